CREATE TABLE t (id int PRIMARY KEY, g int, v text);
INSERT INTO t SELECT i, i % 5, 'v' || i FROM generate_series(1, 200) i;
CREATE TABLE u (id int, t_id int, w int);
INSERT INTO u SELECT i, i % 50, i FROM generate_series(1, 100) i;
ANALYZE t;
ANALYZE u;

EXPLAIN (COSTS OFF) SELECT * FROM u WHERE w = (SELECT max(w) FROM u);
EXPLAIN (COSTS OFF) SELECT w, (SELECT count(*) FROM t) FROM u;
EXPLAIN (COSTS OFF) SELECT * FROM u WHERE w > (SELECT avg(w) FROM u) ORDER BY w;
