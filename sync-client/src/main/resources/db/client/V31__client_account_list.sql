-- The account list the laptop holds as the server signed it (issue 19): when the server issued it, and the signed
-- list itself, which a middleman hands on to the field laptops it serves. Written only by LaptopAccounts, with
-- laptop_account in the same transaction.
CREATE TABLE laptop_account_list (
    singleton INTEGER NOT NULL PRIMARY KEY CHECK (singleton = 1),
    issued    TIMESTAMP WITH TIME ZONE NOT NULL,
    signed    CLOB    NOT NULL
);
