-- Producer streams (issue 15, README Guarantees 8). Versions share one sequence with db/study and the server's.

-- A producer is this device's id, or its id and a stream ('laptop-01~k3x9q2ab'): up to 36 + 1 + 12 characters.
ALTER TABLE producer_counter ALTER COLUMN producer SET DATA TYPE VARCHAR(64);
ALTER TABLE outgoing_transaction ALTER COLUMN producer SET DATA TYPE VARCHAR(64);

-- Where a transaction was first numbered, when this laptop re-issued it on a new stream because a server held its
-- seq with another transaction: its payload stays sealed under that first numbering, which the server needs to
-- open it and to recognise a relay's stale copy as the same transaction.
ALTER TABLE outgoing_transaction ADD COLUMN reissued_from_producer VARCHAR(64);
ALTER TABLE outgoing_transaction ADD COLUMN reissued_from_seq BIGINT;

-- The stream this laptop captures on now (NULL: the device id itself) and why it moved there: the stream it left,
-- the lowest seq a server held with another transaction, and when. Kept for the status and the page.
ALTER TABLE node_identity ADD COLUMN stream VARCHAR(64);
ALTER TABLE node_identity ADD COLUMN diverged_from VARCHAR(64);
ALTER TABLE node_identity ADD COLUMN diverged_seq BIGINT;
ALTER TABLE node_identity ADD COLUMN diverged_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE node_identity ADD COLUMN reissued INTEGER DEFAULT 0 NOT NULL;
