-- The server public keys this laptop has sealed payloads to (H2). The newest row is the one in use; older rows
-- are kept so it is clear which key a payload in the outbox was sealed to. Only public keys: the laptop can never
-- open what it sealed.
CREATE TABLE server_key (
    key_id      VARCHAR(64)   NOT NULL PRIMARY KEY,
    algorithm   VARCHAR(16)   NOT NULL,
    public_key  VARCHAR(1000) NOT NULL,  -- base64 X.509
    obtained_at TIMESTAMP WITH TIME ZONE NOT NULL,
    source      VARCHAR(10)   NOT NULL   -- file or server
);
