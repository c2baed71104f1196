-- Two-way (issue 17, ADR 14): the server-wide order in which transactions were settled here, which is the order
-- every device receives them in. Versions share one sequence with db/study, db/server-postgresql and the laptop's.

-- The transaction's place in the order of settling (applied or skipped) on this server: taken in the settling
-- database transaction from apply_sequencer, whose row lock is held to commit, so orders become visible in order
-- (a feed that passed order n never misses a smaller one committed later). NULL while not settled.
ALTER TABLE incoming_transaction ADD COLUMN applied_order BIGINT;
-- True when settling did not write the transaction's values: it lost a conflicting edit (ADR 8) or was skipped.
-- Devices follow this verdict instead of judging again (they do not hold the lineage the server derives revisions
-- from).
ALTER TABLE incoming_transaction ADD COLUMN overruled BOOLEAN DEFAULT FALSE NOT NULL;
-- the feed of a site (or of the devices without one), in order
CREATE INDEX ix_incoming_site_order ON incoming_transaction (site, applied_order);

-- One row: the last order given. Its lock orders the commits of everything that settles transactions.
CREATE TABLE apply_sequencer (
    id         INTEGER NOT NULL PRIMARY KEY,
    last_order BIGINT  NOT NULL
);

-- Transactions settled before this version: in the order they were settled, as near as the store can tell.
MERGE INTO incoming_transaction t
USING (SELECT tx_id, ROW_NUMBER() OVER (ORDER BY applied_at, producer, seq) AS n
       FROM incoming_transaction WHERE status IN ('APPLIED', 'SKIPPED') AND model <> '(missing)') s
ON t.tx_id = s.tx_id
WHEN MATCHED THEN UPDATE SET applied_order = s.n;
UPDATE incoming_transaction SET overruled = TRUE WHERE status = 'SKIPPED';
UPDATE incoming_transaction SET overruled = TRUE
WHERE status = 'APPLIED' AND tx_id IN (SELECT c.loser_tx_id FROM record_conflict c
    JOIN incoming_transaction w ON w.tx_id = c.winner_tx_id
    WHERE w.applied_at <= (SELECT l.applied_at FROM incoming_transaction l WHERE l.tx_id = c.loser_tx_id));
INSERT INTO apply_sequencer (id, last_order)
SELECT 1, COALESCE(MAX(applied_order), 0) FROM incoming_transaction;

-- Per device: the order it last said it holds (asking for the feed after it), for status and "behind by".
CREATE TABLE downsync_device (
    device_id  VARCHAR(36) NOT NULL PRIMARY KEY,
    checkpoint BIGINT      NOT NULL,
    asked_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
