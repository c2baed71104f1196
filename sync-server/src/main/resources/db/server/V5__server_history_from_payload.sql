-- The client's audit fields of an applied change are read from its payload when the history is asked for, so
-- applying can mark a whole chunk APPLIED with one statement instead of one UPDATE per transaction.
ALTER TABLE incoming_transaction DROP COLUMN changed_by;
ALTER TABLE incoming_transaction DROP COLUMN changed_at;
ALTER TABLE incoming_transaction DROP COLUMN changed_device;
