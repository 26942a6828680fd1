-- empty pages at the end of a table are truncated, unless TRUNCATE false
CREATE TABLE t (id int, pad text) WITH (autovacuum_enabled = off);
INSERT INTO t SELECT g, repeat('p', 100) FROM generate_series(1, 5000) g;
SELECT relpages FROM pg_class WHERE relname = 't';
DELETE FROM t WHERE id > 1000;
VACUUM (TRUNCATE false) t;
SELECT relpages, reltuples FROM pg_class WHERE relname = 't';
VACUUM t;
SELECT relpages, reltuples, relallvisible FROM pg_class WHERE relname = 't';
DELETE FROM t;
VACUUM t;
SELECT relpages, reltuples, relallvisible FROM pg_class WHERE relname = 't';
INSERT INTO t VALUES (1, 'back');
SELECT * FROM t;
