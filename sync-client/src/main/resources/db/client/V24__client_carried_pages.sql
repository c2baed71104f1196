-- Two-way through a middleman (issue 17): the server signs a down-sync page once (over every entry) instead of each
-- entry, so a middleman keeps what it carries as the pages the server sent. Versions share one sequence with
-- db/study and the server's.
DROP TABLE carried_entry;

-- On a middleman: down-sync pages fetched from the server for a field laptop it serves, kept unread (sealed to that
-- laptop, signed for it) until the laptop has taken them at a pull; removed once the laptop's answer says it holds
-- the page's last position.
CREATE TABLE carried_page (
    device        VARCHAR(64)   NOT NULL,      -- the field laptop the page is for
    next_position BIGINT        NOT NULL,      -- the page's last position in that laptop's feed
    entries       INTEGER       NOT NULL,
    page          VARCHAR(134217728) NOT NULL, -- the page as the server sent it (JSON; payloads sealed to the laptop)
    CONSTRAINT pk_carried_page PRIMARY KEY (device, next_position)
);
