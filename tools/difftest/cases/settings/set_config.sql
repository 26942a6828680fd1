SELECT set_config('application_name', 'via_func', false) AS set;
SHOW application_name;
BEGIN;
SELECT set_config('application_name', 'local_one', true) AS set;
SHOW application_name;
COMMIT;
SHOW application_name;
SELECT set_config('my.custom', 'value', false) AS custom;
SELECT current_setting('my.custom') AS custom;
