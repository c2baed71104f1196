-- Producer streams and diverged producers (issue 15, README Guarantees 8). Versions share one sequence with
-- db/study and the laptop's.

-- A producer is a device id, or a device id and a stream ('laptop-01~k3x9q2ab'): up to 36 + 1 + 12 characters.
ALTER TABLE incoming_transaction ALTER COLUMN producer SET DATA TYPE VARCHAR(64);
ALTER TABLE producer_state ALTER COLUMN producer SET DATA TYPE VARCHAR(64);
ALTER TABLE apply_cursor ALTER COLUMN producer SET DATA TYPE VARCHAR(64);
ALTER TABLE rejected_transaction ALTER COLUMN producer SET DATA TYPE VARCHAR(64);
ALTER TABLE record_head ALTER COLUMN producer SET DATA TYPE VARCHAR(64);
ALTER TABLE record_conflict ALTER COLUMN winner_producer SET DATA TYPE VARCHAR(64);
ALTER TABLE record_conflict ALTER COLUMN loser_producer SET DATA TYPE VARCHAR(64);

-- Where a transaction was first numbered, when its device re-issued it on a new stream after a divergence: its
-- payload stays sealed under that numbering (the payload's associated data), and a relay's stale copy of it under
-- the first numbering is recognised as the same transaction (DUPLICATE), not as other content.
ALTER TABLE incoming_transaction ADD COLUMN reissued_from_producer VARCHAR(64);
ALTER TABLE incoming_transaction ADD COLUMN reissued_from_seq BIGINT;

-- A producer diverged when a transaction claimed one of its seqs that this server holds with another transaction
-- (restored backup, reinstall with the same id, cloned laptop image). Set by ingest with the refusal; kept for the
-- admin (status, admin page, metric) even after the device went on on a new stream.
ALTER TABLE producer_state ADD COLUMN diverged_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE producer_state ADD COLUMN diverged_seq BIGINT;          -- the lowest seq claimed twice
ALTER TABLE producer_state ADD COLUMN diverged_count BIGINT DEFAULT 0 NOT NULL; -- refused claims so far

-- The stable problem type of a refusal the sender acts on (urn:collect-offline:problem:seq-taken), if any.
ALTER TABLE rejected_transaction ADD COLUMN problem_type VARCHAR(100);

-- A file imported again keeps the row of its first import (what it brought then); re-imports are counted here.
ALTER TABLE import_batch ADD COLUMN reimports INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE import_batch ADD COLUMN last_reimported_at TIMESTAMP WITH TIME ZONE;

-- Devices' signing keys (README, Guarantees 10). A device's key is registered with a proof made with its token
-- (checked here, where the device was enrolled), or vouched for by an enrolled server device that forwards its
-- transactions (an upstream server that never enrolled the device). Once a device has a key here, every transaction
-- of its streams must carry a signature that one of its keys verifies.
CREATE TABLE device_key (
    device_id     VARCHAR(36)  NOT NULL,
    key_id        VARCHAR(16)  NOT NULL,
    public_key    VARCHAR(200) NOT NULL,
    registered_at TIMESTAMP WITH TIME ZONE NOT NULL,
    registered_by VARCHAR(36)  NOT NULL,    -- the device itself (proof checked) or the vouching server device
    CONSTRAINT pk_device_key PRIMARY KEY (device_id, key_id)
);

-- The producer's signature of each stored transaction, passed on unchanged when forwarded or exported.
ALTER TABLE incoming_transaction ADD COLUMN signer VARCHAR(16);
ALTER TABLE incoming_transaction ADD COLUMN signature BYTEA;
