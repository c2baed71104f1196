-- Enrolled devices (PostgreSQL, and H2 in PostgreSQL mode). Versions share one sequence with db/study.
CREATE TABLE device (
    device_id    VARCHAR(36)  NOT NULL PRIMARY KEY,
    role         VARCHAR(10)  NOT NULL,          -- field, middleman or server
    token_hash   VARCHAR(64)  NOT NULL,          -- SHA-256 of the token; the token itself is shown once, never stored
    enrolled_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    enrolled_by  VARCHAR(50)  NOT NULL,
    revoked_at   TIMESTAMP WITH TIME ZONE,       -- a revoked device's token is refused from then on
    revoked_by   VARCHAR(50),
    last_seen_at TIMESTAMP WITH TIME ZONE,       -- last authenticated request (updated at most once a minute)
    CONSTRAINT uq_device_token UNIQUE (token_hash),
    CONSTRAINT ck_device_role CHECK (role IN ('field', 'middleman', 'server'))
);
