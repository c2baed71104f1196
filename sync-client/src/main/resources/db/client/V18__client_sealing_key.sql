-- This laptop's sealing key pair (X25519, base64), made at the first start that needs it: servers seal to its public
-- half what they send this laptop (two-way, ADR 14); the private half never leaves this database.
ALTER TABLE node_identity ADD COLUMN sealing_public_key VARCHAR(200);
ALTER TABLE node_identity ADD COLUMN sealing_private_key VARCHAR(200);
