CREATE TABLE t (id int PRIMARY KEY, g int, v text);
INSERT INTO t SELECT i, i % 5, 'v' || i FROM generate_series(1, 200) i;
CREATE TABLE u (id int, t_id int, w int);
INSERT INTO u SELECT i, i % 50, i FROM generate_series(1, 100) i;
ANALYZE t;
ANALYZE u;

EXPLAIN (COSTS OFF) SELECT w, row_number() OVER (ORDER BY w) FROM u;
EXPLAIN (COSTS OFF) SELECT w, sum(w) OVER (PARTITION BY t_id ORDER BY w) FROM u;
EXPLAIN (COSTS OFF) SELECT w, count(*) OVER () FROM u;
