CREATE TABLE t (id int PRIMARY KEY, g int, v text);
INSERT INTO t SELECT i, i % 5, 'v' || i FROM generate_series(1, 200) i;
CREATE TABLE u (id int, t_id int, w int);
INSERT INTO u SELECT i, i % 50, i FROM generate_series(1, 100) i;
CREATE TABLE s (k int, name text);
INSERT INTO s SELECT i, 'n' || i FROM generate_series(1, 10) i;
ANALYZE t;
ANALYZE u;
ANALYZE s;

EXPLAIN (COSTS OFF) SELECT x.d FROM (SELECT id * 2 AS d, g FROM t) x WHERE x.g = 1 AND x.d < 30;
SELECT * FROM (SELECT x.d FROM (SELECT id * 2 AS d, g FROM t) x WHERE x.g = 1 AND x.d < 30) r ORDER BY 1;
EXPLAIN (COSTS OFF) SELECT x.d + 1 FROM (SELECT id * 2 AS d FROM t WHERE id < 5) x;
SELECT * FROM (SELECT x.d + 1 FROM (SELECT id * 2 AS d FROM t WHERE id < 5) x) r ORDER BY 1;
