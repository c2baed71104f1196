-- Two-way (issue 17): the study's visit schedule, a reference model (lookup list) every device receives.
CREATE TABLE visit_definition (
    id                   UUID         NOT NULL PRIMARY KEY,
    visit_code           VARCHAR(10)  NOT NULL,
    title                VARCHAR(100) NOT NULL,
    days_after_enrolment INTEGER      NOT NULL,
    version              BIGINT       NOT NULL,
    created              TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    modified             TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    user_created         VARCHAR(50),
    user_modified        VARCHAR(50),
    hostname_created     VARCHAR(60),
    hostname_modified    VARCHAR(60),
    device_created       VARCHAR(36),
    device_modified      VARCHAR(36),
    CONSTRAINT uq_visit_definition_code UNIQUE (visit_code)
);
