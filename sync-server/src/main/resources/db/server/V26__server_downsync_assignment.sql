-- Two-way (issue 17, ADR 14): assignments and the lineage that routes a record's transactions to the devices its
-- household or subject is assigned to. Versions share one sequence with db/study, db/server-postgresql and the
-- laptop's.

-- Every record the server wrote, with itself and each record it depends on through its foreign keys, transitively
-- (a visit: itself, its subject, the subject's household). Stamped when the record is written (the applier owns it),
-- kept after a delete so that the deletion goes where the record went. Only grows: a record moved to another parent
-- stays routed to the old one's assignees too.
CREATE TABLE record_lineage (
    record_id      UUID         NOT NULL,
    ancestor_id    UUID         NOT NULL,
    ancestor_model VARCHAR(100) NOT NULL,
    PRIMARY KEY (record_id, ancestor_id)
);
CREATE INDEX ix_record_lineage_ancestor ON record_lineage (ancestor_id);

-- Records (households, subjects, ...) an admin assigned to a device or to a site's team. A device with an
-- assignment (its own or its site's) receives the assigned records, the records under them and the records they
-- depend on, instead of its whole site's.
CREATE TABLE downsync_assignment (
    target      VARCHAR(80)  NOT NULL, -- device:<device id> or site:<site id>
    record_id   UUID         NOT NULL,
    model       VARCHAR(100) NOT NULL,
    natural_key VARCHAR(200) NOT NULL,
    assigned_at TIMESTAMP WITH TIME ZONE NOT NULL,
    assigned_by VARCHAR(50)  NOT NULL,
    PRIMARY KEY (target, record_id)
);

-- Each record's home site: the home of a record it depends on (a visit's subject's household), or the site of the
-- transaction that first wrote it. Written by the store when it settles the record's first write; never changed.
CREATE TABLE record_home (
    record_id UUID NOT NULL PRIMARY KEY,
    site      VARCHAR(36)
);
-- Records written before this version: the site of their own first write, as near as the store can tell.
INSERT INTO record_home (record_id, site)
SELECT record_id, MIN(site) FROM incoming_transaction
WHERE action = 'INSERT' AND applied_order IS NOT NULL AND NOT overruled GROUP BY record_id;

-- The settled transaction's home site (its record's, from record_home, else its own): a site's devices receive the
-- transactions of its records, whichever site's device made them.
ALTER TABLE incoming_transaction ADD COLUMN home_site VARCHAR(36);
UPDATE incoming_transaction SET home_site = site WHERE applied_order IS NOT NULL;
CREATE INDEX ix_incoming_home_order ON incoming_transaction (home_site, applied_order);
