-- Middleman support (H2). Versions share one sequence with db/study.

-- On a field laptop: when a middleman pulled and stored this transaction (and which one). Informational: the
-- transaction stays pending until the server itself acknowledges it (directly, or by its watermark).
ALTER TABLE outgoing_transaction ADD COLUMN consumed_by_middleman_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE outgoing_transaction ADD COLUMN consumed_by_middleman VARCHAR(36);
-- On a middleman: the field laptop a relayed transaction was pulled from (NULL for this laptop's own changes).
-- Relayed rows keep their original producer, seq and sealed payload, and are pushed like own ones.
ALTER TABLE outgoing_transaction ADD COLUMN relayed_from VARCHAR(36);

-- The field laptops a middleman pulls from.
CREATE TABLE relay_source (
    producer       VARCHAR(36)  NOT NULL PRIMARY KEY,
    url            VARCHAR(500) NOT NULL,
    last_pulled_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The specimen manifest each field laptop offered with its last pull: what was requisitioned and drawn there,
-- without participant-identifying data. The driver reconciles the tubes in hand against it.
CREATE TABLE specimen_manifest (
    producer               VARCHAR(36) NOT NULL,
    requisition_identifier VARCHAR(36) NOT NULL,
    panel                  VARCHAR(25) NOT NULL,
    drawn_datetime         TIMESTAMP WITH TIME ZONE,
    visit_code             VARCHAR(10),
    received_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_specimen_manifest PRIMARY KEY (producer, requisition_identifier)
);
