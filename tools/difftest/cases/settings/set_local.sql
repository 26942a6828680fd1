SET application_name = 'outer';
BEGIN;
SET LOCAL application_name = 'inner';
SHOW application_name;
COMMIT;
SHOW application_name;
SET LOCAL application_name = 'outside';
SHOW application_name;
