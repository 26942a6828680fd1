-- the autovacuum settings in pg_settings, and the user-settable cost ones
SELECT name, setting, unit, context, vartype, min_val, max_val
  FROM pg_settings
 WHERE name LIKE 'autovacuum%' AND name <> 'autovacuum' OR name LIKE 'vacuum_cost%'
 ORDER BY name;
SET vacuum_cost_delay = '1.5ms';
SHOW vacuum_cost_delay;
SET vacuum_cost_delay = 0.5;
SHOW vacuum_cost_delay;
SET vacuum_cost_delay = '1s';
SHOW vacuum_cost_delay;
SET vacuum_cost_delay = '200ms';
SET vacuum_cost_delay = '1x';
SET vacuum_cost_delay = 20;
SHOW vacuum_cost_delay;
RESET vacuum_cost_delay;
SHOW vacuum_cost_delay;
SET vacuum_cost_limit = 0;
SET vacuum_cost_limit = 1000;
SHOW vacuum_cost_limit;
SET autovacuum_naptime = '2min';
