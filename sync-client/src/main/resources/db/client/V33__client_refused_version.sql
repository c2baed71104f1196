-- A received version this laptop's database refused (a natural key a local record holds, …) is kept with the reason
-- and written as soon as it can be: after each down-sync page, once the cause is gone (the local record edited, or
-- overruled by the server and merged into the received one). Without it the version was lost to this laptop for ever.
ALTER TABLE held_version ADD COLUMN refused VARCHAR(2000);
