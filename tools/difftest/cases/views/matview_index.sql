-- indexes on materialized views are used and kept through REFRESH
CREATE TABLE t (a int, b text);
INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 500) g;
CREATE MATERIALIZED VIEW mv AS SELECT a, b FROM t WHERE a % 2 = 0;
CREATE UNIQUE INDEX mv_a ON mv (a);
ANALYZE mv;
EXPLAIN (COSTS OFF) SELECT b FROM mv WHERE a = 42;
SELECT b FROM mv WHERE a = 42;
DELETE FROM t WHERE a = 42;
REFRESH MATERIALIZED VIEW mv;
SELECT b FROM mv WHERE a = 42;
SELECT count(*) FROM mv;
REFRESH MATERIALIZED VIEW CONCURRENTLY mv;
SELECT count(*) FROM mv WHERE a BETWEEN 10 AND 20;
SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'mv';
DROP INDEX mv_a;
REFRESH MATERIALIZED VIEW CONCURRENTLY mv;
