-- The record's lineage on this laptop (ADR 8). Versions share one sequence with db/study and the server's.
-- rev: the revision of the record that the change made (1 for a new record), carried in the payload with the
-- txId of the change it was made on, so that the server can tell an edit in line from a conflicting one.
ALTER TABLE record_history ADD COLUMN rev BIGINT;
