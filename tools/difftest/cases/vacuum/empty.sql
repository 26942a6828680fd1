-- VACUUM of an empty table, and of a table whose rows were all rolled back
CREATE TABLE t (id int, v text) WITH (autovacuum_enabled = off);
SELECT relpages, reltuples, relallvisible FROM pg_class WHERE relname = 't';
VACUUM t;
SELECT relpages, reltuples, relallvisible FROM pg_class WHERE relname = 't';
BEGIN;
INSERT INTO t SELECT g, 'r' FROM generate_series(1, 2000) g;
ROLLBACK;
SELECT count(*) FROM t;
VACUUM t;
SELECT relpages, reltuples, relallvisible FROM pg_class WHERE relname = 't';
