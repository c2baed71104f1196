-- A device's sealing key (X25519, X.509 base64), registered with its signing key and covered by the same proof: what
-- servers will seal the records they send the device to (two-way, ADR 14). Null for devices of earlier versions.
ALTER TABLE device_key ADD COLUMN sealing_key VARCHAR(200);
