-- Per device: the furthest position of its down-sync feed this server has handed out (to the device or to a
-- middleman carrying it). A device that asks after a position beyond it holds positions this database never
-- served: the database was restored from a backup, its positions were handed out again, and the device's feed
-- goes back to here (ADR 19).
CREATE TABLE downsync_served (
    device_id VARCHAR(36) NOT NULL PRIMARY KEY,
    served    BIGINT      NOT NULL
);
