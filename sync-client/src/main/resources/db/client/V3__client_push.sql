-- Push state of the outbox (H2). Versions share one sequence with db/study.

-- how the next hop acknowledged the transaction: ACCEPTED or DUPLICATE (answer by txId) or WATERMARK (the server
-- already held it, delivered by another route such as a middleman)
ALTER TABLE outgoing_transaction ADD COLUMN delivered_via VARCHAR(10);
-- the server refused this transaction (never applied there); it stays here, visible, and is not sent again until
-- someone retries it (after fixing the cause, e.g. upgrading the server)
ALTER TABLE outgoing_transaction ADD COLUMN rejected_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE outgoing_transaction ADD COLUMN rejected_reason VARCHAR(2000);
-- when it was last sent, to tell "never sent" from "sent, answer lost" when looking at a stuck queue
ALTER TABLE outgoing_transaction ADD COLUMN last_sent_at TIMESTAMP WITH TIME ZONE;
