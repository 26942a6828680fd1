CREATE SCHEMA app;
CREATE TABLE a (x int);
CREATE TABLE app.b (y int);
SELECT schemaname, tablename, tableowner, hasindexes FROM pg_tables WHERE schemaname IN ('public', 'app') ORDER BY schemaname, tablename;
SELECT count(*) > 50 AS has_catalogs FROM pg_tables WHERE schemaname = 'pg_catalog';
