-- The example study domain (DESIGN §3), shared by the client (H2) and the server (PostgreSQL): this file must stay
-- in the SQL both understand. Versions are one sequence across every migration location of an application
-- (db/study, db/client, db/server): a new migration takes the next number not used in any of them.
--
-- Every offline table has: id (UUID minted where the record is created), a UNIQUE natural key, the audit columns
-- (filled by the client's capture trigger, carried unchanged to servers) and version (one more per change).

CREATE TABLE household (
    id                   UUID         NOT NULL PRIMARY KEY,
    household_identifier VARCHAR(36)  NOT NULL,
    village              VARCHAR(100),
    enumeration_date     DATE,
    version              BIGINT       NOT NULL,
    created              TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    modified             TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    user_created         VARCHAR(50),
    user_modified        VARCHAR(50),
    hostname_created     VARCHAR(60),
    hostname_modified    VARCHAR(60),
    device_created       VARCHAR(36),
    device_modified      VARCHAR(36),
    CONSTRAINT uq_household_identifier UNIQUE (household_identifier)
);

CREATE TABLE subject (
    id                 UUID        NOT NULL PRIMARY KEY,
    subject_identifier VARCHAR(36) NOT NULL,
    household_id       UUID        NOT NULL,
    initials           VARCHAR(3),
    gender             VARCHAR(1)  NOT NULL,
    dob                DATE,
    consent_datetime   TIMESTAMP WITH TIME ZONE NOT NULL,
    version            BIGINT      NOT NULL,
    created            TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    modified           TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    user_created       VARCHAR(50),
    user_modified      VARCHAR(50),
    hostname_created   VARCHAR(60),
    hostname_modified  VARCHAR(60),
    device_created     VARCHAR(36),
    device_modified    VARCHAR(36),
    CONSTRAINT uq_subject_identifier UNIQUE (subject_identifier),
    CONSTRAINT fk_subject_household FOREIGN KEY (household_id) REFERENCES household (id)
);
CREATE INDEX ix_subject_household ON subject (household_id);

CREATE TABLE subject_visit (
    id                UUID        NOT NULL PRIMARY KEY,
    subject_id        UUID        NOT NULL,
    visit_code        VARCHAR(10) NOT NULL,
    visit_datetime    TIMESTAMP WITH TIME ZONE NOT NULL,
    reason            VARCHAR(25),
    version           BIGINT      NOT NULL,
    created           TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    modified          TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    user_created      VARCHAR(50),
    user_modified     VARCHAR(50),
    hostname_created  VARCHAR(60),
    hostname_modified VARCHAR(60),
    device_created    VARCHAR(36),
    device_modified   VARCHAR(36),
    CONSTRAINT uq_subject_visit UNIQUE (subject_id, visit_code),
    CONSTRAINT fk_subject_visit_subject FOREIGN KEY (subject_id) REFERENCES subject (id)
);

CREATE TABLE vital_signs (
    id                UUID   NOT NULL PRIMARY KEY,
    subject_visit_id  UUID   NOT NULL,
    weight_kg         NUMERIC(5, 1),
    height_cm         NUMERIC(5, 1),
    systolic_bp       INTEGER,
    diastolic_bp      INTEGER,
    temperature_c     NUMERIC(4, 1),
    version           BIGINT NOT NULL,
    created           TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    modified          TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    user_created      VARCHAR(50),
    user_modified     VARCHAR(50),
    hostname_created  VARCHAR(60),
    hostname_modified VARCHAR(60),
    device_created    VARCHAR(36),
    device_modified   VARCHAR(36),
    CONSTRAINT uq_vital_signs_visit UNIQUE (subject_visit_id),
    CONSTRAINT fk_vital_signs_visit FOREIGN KEY (subject_visit_id) REFERENCES subject_visit (id)
);

CREATE TABLE specimen_requisition (
    id                     UUID        NOT NULL PRIMARY KEY,
    requisition_identifier VARCHAR(36) NOT NULL,
    subject_visit_id       UUID        NOT NULL,
    panel                  VARCHAR(25) NOT NULL,
    is_drawn               BOOLEAN     NOT NULL,
    drawn_datetime         TIMESTAMP WITH TIME ZONE,
    version                BIGINT      NOT NULL,
    created                TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    modified               TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    user_created           VARCHAR(50),
    user_modified          VARCHAR(50),
    hostname_created       VARCHAR(60),
    hostname_modified      VARCHAR(60),
    device_created         VARCHAR(36),
    device_modified        VARCHAR(36),
    CONSTRAINT uq_requisition_identifier UNIQUE (requisition_identifier),
    CONSTRAINT fk_requisition_visit FOREIGN KEY (subject_visit_id) REFERENCES subject_visit (id)
);
CREATE INDEX ix_requisition_visit ON specimen_requisition (subject_visit_id);

CREATE TABLE specimen_receipt (
    id                     UUID        NOT NULL PRIMARY KEY,
    requisition_identifier VARCHAR(36) NOT NULL,
    stage                  VARCHAR(10) NOT NULL,
    received_datetime      TIMESTAMP WITH TIME ZONE NOT NULL,
    comment                VARCHAR(250),
    version                BIGINT      NOT NULL,
    created                TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    modified               TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    user_created           VARCHAR(50),
    user_modified          VARCHAR(50),
    hostname_created       VARCHAR(60),
    hostname_modified      VARCHAR(60),
    device_created         VARCHAR(36),
    device_modified        VARCHAR(36),
    CONSTRAINT uq_specimen_receipt UNIQUE (requisition_identifier, stage)
);
