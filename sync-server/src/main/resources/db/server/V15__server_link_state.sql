-- How each link of this node to a next hop stands between passes, kept by the shipping engine (ADR 13): failures in
-- a row and when the schedule may try next, so that the backoff survives a restart; and refused credentials, so that
-- a restart does not start hammering a hop that refused this node, until the node is given other credentials (or
-- another address) for it: `credentials` is a fingerprint of both, and a row whose fingerprint differs from the
-- configuration's is a fresh start. One row per link, written after each pass.
CREATE TABLE link_state (
    link            VARCHAR(200)             NOT NULL PRIMARY KEY,
    failures        INTEGER                  NOT NULL,
    next_attempt_at TIMESTAMP WITH TIME ZONE,
    auth_problem    VARCHAR(2000),
    last_error      VARCHAR(2000),
    credentials     VARCHAR(64)              NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
