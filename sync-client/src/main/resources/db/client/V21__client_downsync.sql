-- Two-way (issue 17, ADR 14): what this laptop receives from its server. Versions share one sequence with db/study
-- and the server's.

-- Every transaction received in the down-sync, once: a page received twice changes nothing. What was done with it:
-- APPLIED (written here), HELD (the server's version of a record with a pending local edit: kept in held_version
-- until the server's verdict on that edit arrives), VERDICT (this laptop's own change, back with the server's
-- verdict), OVERRULED (the server did not write it: lost a conflicting edit, or skipped), REFUSED (this database
-- refused it; reason says why).
CREATE TABLE received_transaction (
    tx_id         UUID          NOT NULL PRIMARY KEY,
    settled_order BIGINT        NOT NULL,           -- its place in the server's settled order
    producer      VARCHAR(64)   NOT NULL,           -- the device where the change was made
    model         VARCHAR(100)  NOT NULL,
    record_id     UUID          NOT NULL,
    action        VARCHAR(6)    NOT NULL,
    overruled     BOOLEAN       NOT NULL,           -- the server's verdict: it did not write the values
    outcome       VARCHAR(10)   NOT NULL,
    reason        VARCHAR(2000),
    received_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX ix_received_record ON received_transaction (model, record_id);

-- The server's latest written version of a record this laptop has a pending edit of: never written over the edit
-- silently; written once the server's verdict on the laptop's edit says the edit lost (or dropped when it won).
CREATE TABLE held_version (
    model         VARCHAR(100)  NOT NULL,
    record_id     UUID          NOT NULL,
    tx_id         UUID          NOT NULL,
    settled_order BIGINT        NOT NULL,
    producer      VARCHAR(64)   NOT NULL,
    action        VARCHAR(6)    NOT NULL,
    snapshot      VARCHAR(1000000) NOT NULL,        -- the record snapshot (JSON), plaintext like the records
    CONSTRAINT pk_held_version PRIMARY KEY (model, record_id)
);

-- How far this laptop holds its down-sync: the position it asks after next, written in the same database
-- transaction as the page it applied (an interrupted down-sync resumes there).
CREATE TABLE downsync_state (
    singleton      INTEGER      NOT NULL PRIMARY KEY CHECK (singleton = 1),
    checkpoint     BIGINT       NOT NULL,
    latest         BIGINT       NOT NULL,           -- the server's last position when last asked (behind by)
    last_at        TIMESTAMP WITH TIME ZONE,        -- when a down-sync last ended without an error
    stopped_reason VARCHAR(2000)                    -- why the down-sync stopped at checkpoint (update the app, …)
);
INSERT INTO downsync_state (singleton, checkpoint, latest) VALUES (1, 0, 0);

-- For received changes: the device where the change was made (NULL: made on this laptop).
ALTER TABLE record_history ADD COLUMN producer VARCHAR(64);
-- a record's own changes whose verdict has not come back yet (the down-sync asks per received record)
CREATE INDEX ix_outgoing_record ON outgoing_transaction (model, record_id);
