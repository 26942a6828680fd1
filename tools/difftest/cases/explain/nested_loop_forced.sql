CREATE TABLE t (id int PRIMARY KEY, g int, v text);
INSERT INTO t SELECT i, i % 5, 'v' || i FROM generate_series(1, 200) i;
CREATE TABLE u (id int, t_id int, w int);
INSERT INTO u SELECT i, i % 50, i FROM generate_series(1, 100) i;
ANALYZE t;
ANALYZE u;

SET enable_hashjoin = off;
SET enable_mergejoin = off;
SET enable_indexscan = off;
SET enable_bitmapscan = off;
SET enable_material = off;
EXPLAIN (COSTS OFF) SELECT t.v, u.w FROM t JOIN u ON u.t_id < t.id WHERE t.id = 3;
EXPLAIN (COSTS OFF) SELECT count(*) FROM t CROSS JOIN u WHERE t.id = 1;
RESET ALL;
