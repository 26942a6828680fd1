CREATE TABLE t (id int PRIMARY KEY, g int, v text);
INSERT INTO t SELECT i, i % 5, 'v' || i FROM generate_series(1, 200) i;
CREATE TABLE u (id int, t_id int, w int);
INSERT INTO u SELECT i, i % 50, i FROM generate_series(1, 100) i;
ANALYZE t;
ANALYZE u;

SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT * FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.t_id = t.id);
EXPLAIN (COSTS OFF) SELECT * FROM t WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.t_id = t.id);
EXPLAIN (COSTS OFF) SELECT * FROM t WHERE id IN (SELECT t_id FROM u);
RESET ALL;
