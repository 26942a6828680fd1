CREATE TABLE t (id int PRIMARY KEY, g int, v text);
INSERT INTO t SELECT i, i % 5, 'v' || i FROM generate_series(1, 200) i;
CREATE TABLE u (id int, t_id int, w int);
INSERT INTO u SELECT i, i % 50, i FROM generate_series(1, 100) i;
ANALYZE t;
ANALYZE u;

EXPLAIN (COSTS OFF) SELECT * FROM u;
EXPLAIN (COSTS OFF) SELECT * FROM u WHERE w > 10;
EXPLAIN (COSTS OFF) SELECT w FROM u WHERE w > 10 AND t_id = 3;
EXPLAIN (COSTS OFF) SELECT count(*) FROM u WHERE w < 0;
