-- Research assistants: they enter data on field laptops, where their accounts travel for offline login (ADR 16).
ALTER TABLE server_user DROP CONSTRAINT ck_server_user_role;
ALTER TABLE server_user ADD CONSTRAINT ck_server_user_role
    CHECK (role IN ('admin', 'data-manager', 'lab-assistant', 'monitor', 'research-assistant'));
