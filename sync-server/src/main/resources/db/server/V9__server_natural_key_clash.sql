-- Natural-key clashes (issue 10): two devices create records with the same natural key but different ids.
-- Versions share one sequence with db/study, db/server-postgresql and the laptop's.

-- CONFLICT: the transaction's record has a natural key another record holds (conflict_with); it waits, with its
-- producer's later transactions, for an admin to keep one of the two or reject it. Never a silent overwrite.
ALTER TABLE incoming_transaction DROP CONSTRAINT ck_incoming_status;
ALTER TABLE incoming_transaction ADD CONSTRAINT ck_incoming_status
    CHECK (status IN ('RECEIVED', 'APPLIED', 'DEFERRED', 'ERROR', 'SKIPPED', 'CONFLICT'));
ALTER TABLE incoming_transaction ADD COLUMN conflict_with UUID;

-- A record merged into another by an admin's resolution: later transactions that refer to from_id (its own
-- changes, foreign keys of its dependants) are applied to to_id instead.
CREATE TABLE record_alias (
    from_id        UUID         NOT NULL PRIMARY KEY,
    model          VARCHAR(100) NOT NULL,
    to_id          UUID         NOT NULL,
    resolved_tx_id UUID         NOT NULL,   -- the CONFLICT transaction whose resolution made the alias
    resolved_by    VARCHAR(50)  NOT NULL,
    resolved_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
