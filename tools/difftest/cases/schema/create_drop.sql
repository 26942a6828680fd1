-- CREATE SCHEMA and DROP SCHEMA, seen through pg_namespace
CREATE SCHEMA app;
SELECT nspname FROM pg_namespace WHERE nspname = 'app';
DROP SCHEMA app;
SELECT count(*) FROM pg_namespace WHERE nspname = 'app';
