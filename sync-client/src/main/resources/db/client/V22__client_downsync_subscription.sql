-- Two-way (issue 17): what the checkpoint is a position in. The server names the device's subscription with every
-- page (site:<site>, or unsited); when it changes (the device moved to another site), positions of the old feed
-- mean nothing in the new one, so the laptop starts the new feed from 0 — what it received before is skipped by
-- txId, and it keeps the records it holds (README, Two-way: leaving). Versions share one sequence with db/study and
-- the server's.
ALTER TABLE downsync_state ADD COLUMN subscription VARCHAR(200);

-- The server's signing public key (Ed25519) the down-sync entries are signed with: pinned from the first page this
-- laptop received directly from its server; entries signed by another key, or carried before one is pinned, are
-- not applied.
ALTER TABLE downsync_state ADD COLUMN server_signer VARCHAR(200);
