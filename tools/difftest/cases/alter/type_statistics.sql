CREATE TABLE t (a int, b int);
INSERT INTO t SELECT g, g % 5 FROM generate_series(1, 100) g;
ANALYZE t;
SELECT attname, n_distinct FROM pg_stats WHERE tablename = 't' ORDER BY attname;
ALTER TABLE t ALTER COLUMN b TYPE bigint;
SELECT attname, n_distinct FROM pg_stats WHERE tablename = 't' ORDER BY attname;
ANALYZE t;
SELECT attname, n_distinct FROM pg_stats WHERE tablename = 't' ORDER BY attname;
