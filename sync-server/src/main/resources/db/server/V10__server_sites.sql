-- Sites (issue 10): a device belongs to a site (a study community); each stored transaction carries the site it
-- belongs to, so that status, incoming lists and reconciliation can be read per site.
-- Versions share one sequence with db/study, db/server-postgresql and the laptop's.

-- The device's site; NULL: not assigned (its transactions then take the site of the relay that brings them).
ALTER TABLE device ADD COLUMN site VARCHAR(36);

-- The site the transaction belongs to, stamped when it is stored (see IngestService.siteOf) and passed on upstream.
-- Transactions stored before this version have none.
ALTER TABLE incoming_transaction ADD COLUMN site VARCHAR(36);

-- The site of the producer's latest stored transaction: what the status groups producers by.
ALTER TABLE producer_state ADD COLUMN site VARCHAR(36);
