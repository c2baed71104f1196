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

-- This laptop's Ed25519 signing key (README, Guarantees 10): every transaction it produces is signed, so that no
-- relay can forge, alter, insert or reorder its changes. Kept with the data it signs; the public half reaches the
-- servers with each batch (and each middleman pull), proven with this laptop's token.
ALTER TABLE node_identity ADD COLUMN signing_key_id VARCHAR(16);
ALTER TABLE node_identity ADD COLUMN signing_public_key VARCHAR(200);
ALTER TABLE node_identity ADD COLUMN signing_private_key VARCHAR(200);

-- The producer's signature of each transaction, passed on unchanged by relays (a middleman keeps the field laptop's).
ALTER TABLE outgoing_transaction ADD COLUMN signer VARCHAR(16);
ALTER TABLE outgoing_transaction ADD COLUMN signature VARBINARY(128);

-- On a middleman: the signing key registration each field laptop offered with its last pull, carried to the server.
ALTER TABLE relay_source ADD COLUMN registration VARCHAR(1000);
