-- Two-way through a middleman (issue 17, ADR 14). Versions share one sequence with db/study and the server's.

-- The server's signing key (Ed25519), taken with its sealing key (GET /api/v1/keys/current or the key file): what a
-- laptop that only ever receives through a middleman checks its down-sync entries with.
ALTER TABLE server_key ADD COLUMN signing_key VARCHAR(200);

-- On a middleman: down-sync entries fetched from the server for a field laptop it serves, kept unread (sealed to that
-- laptop, signed for it) until the laptop has taken them at a pull. One row per entry; removed once the laptop's
-- answer says it holds the position.
CREATE TABLE carried_entry (
    device        VARCHAR(64)   NOT NULL,   -- the field laptop the entry is for
    settled_order BIGINT        NOT NULL,   -- its position in that laptop's feed
    entry         VARCHAR(16777216) NOT NULL, -- the entry as the server sent it (JSON; payload sealed to the laptop)
    CONSTRAINT pk_carried_entry PRIMARY KEY (device, settled_order)
);

-- On a middleman: per field laptop, the feed being carried (subscription and signer as the server named them) and
-- how far the laptop said it holds it at the last hand-over.
CREATE TABLE carried_feed (
    device           VARCHAR(64)  NOT NULL PRIMARY KEY,
    subscription     VARCHAR(200),
    signer           VARCHAR(200),
    field_checkpoint BIGINT       DEFAULT 0 NOT NULL,
    handed_at        TIMESTAMP WITH TIME ZONE
);
