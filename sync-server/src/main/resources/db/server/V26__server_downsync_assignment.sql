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
