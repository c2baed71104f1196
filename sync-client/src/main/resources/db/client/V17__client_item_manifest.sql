-- The manifest each field laptop offered with its last pull, whatever the study's tracked items are (issue 16: the
-- generic app knows no study table): one row per ready item, its identifier and the entry as the field laptop sent
-- it (the fields the tracked model lists; never participant-identifying data). Replaces specimen_manifest, whose
-- columns were the example study's; a manifest is refreshed whole at every pull, so nothing is carried over.
CREATE TABLE item_manifest (
    producer    VARCHAR(36)  NOT NULL,
    identifier  VARCHAR(100) NOT NULL,
    entry       VARCHAR(4000) NOT NULL,
    received_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_item_manifest PRIMARY KEY (producer, identifier)
);

DROP TABLE specimen_manifest;
