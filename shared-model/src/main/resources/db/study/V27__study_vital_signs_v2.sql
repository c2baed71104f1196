-- Vital signs schema version 2: the report date and time, the heart rate and a comment. Null on forms of version 1
-- (VitalSignsV1Upcaster); the data entry API requires the report date and time on new forms.
ALTER TABLE vital_signs ADD COLUMN report_datetime TIMESTAMP WITH TIME ZONE;
ALTER TABLE vital_signs ADD COLUMN heart_rate INTEGER;
ALTER TABLE vital_signs ADD COLUMN comments VARCHAR(250);
