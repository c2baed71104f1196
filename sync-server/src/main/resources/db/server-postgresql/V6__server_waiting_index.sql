-- PostgreSQL only (H2 has no partial indexes; db/server-postgresql is a Flyway location of the postgresql
-- datasource alone). Versions share one sequence with db/study and db/server.
--
-- Almost every stored transaction ends APPLIED, most of them on receipt (ADR 7). The admin's lists, the status
-- summary and the apply lag only look for the others, so the status index holds only those: a transaction applied
-- on receipt never enters it, and one applied by the worker leaves it.
DROP INDEX ix_incoming_status;
CREATE INDEX ix_incoming_waiting ON incoming_transaction (status, producer, seq) WHERE status <> 'APPLIED';
