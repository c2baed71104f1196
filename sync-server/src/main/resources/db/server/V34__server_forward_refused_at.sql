-- When the upstream refused a transaction (forward_rejected says why): a refusal is not for ever. The cause may be
-- fixed on the upstream (a limit raised, an upgrade, its keys restored), so a refused transaction is sent again by
-- itself after sync.server.upstream.resend-rejected-after, or at once when an admin asks. Refusals recorded before
-- this version count from the upgrade.
ALTER TABLE incoming_transaction ADD COLUMN forward_rejected_at TIMESTAMP WITH TIME ZONE;
UPDATE incoming_transaction SET forward_rejected_at = CURRENT_TIMESTAMP WHERE forward_rejected IS NOT NULL;
