-- The people who may log in on this laptop with no network (issue 19): exactly the list the server last sent
-- (research assistants; password hashes only). Written only by LaptopAccounts.
CREATE TABLE laptop_account (
    username      VARCHAR(50)  NOT NULL PRIMARY KEY,
    display_name  VARCHAR(100) NOT NULL,
    password_hash VARCHAR(200) NOT NULL,
    received_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
