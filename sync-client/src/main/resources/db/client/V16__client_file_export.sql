-- Export files of a laptop with no network and no middleman (carried on a USB stick to a server), owned by
-- client.files. A file's transactions stay pending in outgoing_transaction until the importing server's receipt
-- comes back and names its batch: only then are they delivered (delivered_via = 'RECEIPT'), never at export.
CREATE TABLE file_export (
    batch_id          UUID                     NOT NULL PRIMARY KEY,
    -- the export before this one, so that the importer can tell when a file is missing
    previous_batch_id UUID,
    file_name         VARCHAR(200)             NOT NULL,
    transactions      INTEGER                  NOT NULL,
    created           TIMESTAMP WITH TIME ZONE NOT NULL,
    -- when the receipt came back, and what it said: stored by the server, refused with a reason
    receipt_at        TIMESTAMP WITH TIME ZONE,
    receipt_delivered INTEGER,
    receipt_rejected  INTEGER
);

-- Which transactions each file carries: a receipt marks only those, and a second export leaves them out until
-- their file's receipt is lost (include-unconfirmed).
CREATE TABLE file_export_tx (
    batch_id UUID NOT NULL,
    tx_id    UUID NOT NULL,
    PRIMARY KEY (batch_id, tx_id)
);
CREATE INDEX file_export_tx_by_tx ON file_export_tx (tx_id);
