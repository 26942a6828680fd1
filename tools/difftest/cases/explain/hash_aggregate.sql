CREATE TABLE t (id int PRIMARY KEY, g int, v text);
INSERT INTO t SELECT i, i % 5, 'v' || i FROM generate_series(1, 200) i;
CREATE TABLE u (id int, t_id int, w int);
INSERT INTO u SELECT i, i % 50, i FROM generate_series(1, 100) i;
ANALYZE t;
ANALYZE u;

EXPLAIN (COSTS OFF) SELECT t_id, count(*) FROM u GROUP BY t_id;
EXPLAIN (COSTS OFF) SELECT t_id, sum(w) FROM u GROUP BY t_id HAVING sum(w) > 100;
EXPLAIN (COSTS OFF) SELECT count(*) FROM u;
EXPLAIN (COSTS OFF) SELECT max(w), min(w) FROM u WHERE t_id > 3;
