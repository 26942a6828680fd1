SELECT nspname FROM pg_namespace WHERE nspname IN ('pg_catalog', 'public', 'information_schema', 'pg_toast') ORDER BY nspname;
CREATE SCHEMA extra;
SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg_%' AND nspname <> 'information_schema' ORDER BY nspname;
