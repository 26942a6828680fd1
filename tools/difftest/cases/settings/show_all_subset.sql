SELECT name, setting, unit FROM pg_settings WHERE name IN ('work_mem', 'statement_timeout', 'search_path', 'application_name') ORDER BY name;
SET statement_timeout = '5s';
SELECT name, setting, unit FROM pg_settings WHERE name = 'statement_timeout';
