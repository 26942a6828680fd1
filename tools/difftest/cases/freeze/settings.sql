-- the freeze settings: defaults, SET within range, postmaster-only ones
SHOW vacuum_freeze_min_age;
SHOW vacuum_freeze_table_age;
SHOW vacuum_failsafe_age;
SHOW autovacuum_freeze_max_age;
SHOW vacuum_multixact_freeze_min_age;
SHOW vacuum_multixact_freeze_table_age;
SHOW vacuum_multixact_failsafe_age;
SHOW autovacuum_multixact_freeze_max_age;
SET vacuum_freeze_min_age = 0;
SHOW vacuum_freeze_min_age;
SET vacuum_freeze_table_age = '1000';
SHOW vacuum_freeze_table_age;
SET vacuum_freeze_min_age = 2000000000;
SET vacuum_failsafe_age = -1;
SET autovacuum_freeze_max_age = 300000000;
RESET vacuum_freeze_min_age;
SHOW vacuum_freeze_min_age;
SELECT name, setting, context FROM pg_settings WHERE name LIKE '%freeze%' OR name LIKE '%failsafe%' ORDER BY name;
