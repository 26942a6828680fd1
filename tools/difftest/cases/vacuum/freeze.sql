-- VACUUM FREEZE: every page all-visible (and all-frozen), rows intact
CREATE TABLE t (id int, v int) WITH (autovacuum_enabled = off);
INSERT INTO t SELECT g, g FROM generate_series(1, 3000) g;
UPDATE t SET v = v + 1 WHERE id <= 10;
VACUUM (FREEZE) t;
SELECT relpages, reltuples, relallvisible = relpages AS all_visible FROM pg_class WHERE relname = 't';
SELECT count(*), sum(v) FROM t;
UPDATE t SET v = 0 WHERE id = 3000;
SELECT relallvisible = relpages AS all_visible FROM pg_class WHERE relname = 't';
VACUUM FREEZE t;
SELECT relpages, reltuples, relallvisible = relpages AS all_visible FROM pg_class WHERE relname = 't';
SELECT count(*), sum(v) FROM t;
