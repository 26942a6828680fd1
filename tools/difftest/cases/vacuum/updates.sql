-- HOT and non-HOT updates leave dead versions that VACUUM removes
CREATE TABLE t (id int PRIMARY KEY, k int, v text) WITH (autovacuum_enabled = off, fillfactor = 70);
CREATE INDEX t_k ON t (k);
INSERT INTO t SELECT g, g, 'a' FROM generate_series(1, 2000) g;
UPDATE t SET v = 'b';
UPDATE t SET k = k + 10000 WHERE id % 3 = 0;
UPDATE t SET v = 'c' WHERE id % 2 = 0;
VACUUM t;
SELECT reltuples, relallvisible = relpages AS all_visible FROM pg_class WHERE relname = 't';
SELECT count(*), count(*) FILTER (WHERE k > 10000), min(v), max(v) FROM t;
SELECT id, k, v FROM t WHERE k = 10003;
SELECT id, k, v FROM t WHERE id = 4;
VACUUM t;
SELECT reltuples, relallvisible = relpages AS all_visible FROM pg_class WHERE relname = 't';
