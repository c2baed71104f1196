-- How many transactions of each producer are stored, kept by ingest in the same database transaction as the rows
-- (issue 9: the status counted them with a join over every stored row — 0.2 s per call at a million rows, and the
-- admin page, the metrics and the bench poll it). Versions share one sequence with db/study and the laptop's.
ALTER TABLE producer_state ADD COLUMN stored_count BIGINT DEFAULT 0 NOT NULL;
UPDATE producer_state p SET stored_count = (SELECT COUNT(*) FROM incoming_transaction i
                                            WHERE i.producer = p.producer);
