-- VACUUM removes deleted rows and writes relpages, reltuples, relallvisible
CREATE TABLE t (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = off);
INSERT INTO t SELECT g, 'x' FROM generate_series(1, 10000) g;
SELECT relpages, reltuples, relallvisible FROM pg_class WHERE relname = 't';
DELETE FROM t WHERE id % 2 = 0;
VACUUM t;
SELECT relpages, reltuples, relallvisible FROM pg_class WHERE relname = 't';
SELECT count(*), min(id), max(id) FROM t;
SELECT v FROM t WHERE id = 9999;
SELECT v FROM t WHERE id = 10000;
INSERT INTO t SELECT g, 'y' FROM generate_series(10002, 12000, 2) g;
SELECT count(*) FROM t;
VACUUM t;
SELECT relpages, reltuples, relallvisible FROM pg_class WHERE relname = 't';
