-- The revision of each applied (or overruled) transaction as this server derived it from the lineage it holds
-- (README, Guarantees 10): a conflicting edit's revision is its base's revision here plus one, never the number the
-- device states. Written with the record heads, in the same database transaction as the apply.
CREATE TABLE tx_rev (
    tx_id UUID   NOT NULL PRIMARY KEY,
    rev   BIGINT NOT NULL
);
