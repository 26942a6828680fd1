CREATE TABLE t (id int PRIMARY KEY, g int, v text);
INSERT INTO t SELECT i, i % 5, 'v' || i FROM generate_series(1, 200) i;
CREATE TABLE u (id int, t_id int, w int);
INSERT INTO u SELECT i, i % 50, i FROM generate_series(1, 100) i;
CREATE TABLE s (k int, name text);
INSERT INTO s SELECT i, 'n' || i FROM generate_series(1, 10) i;
ANALYZE t;
ANALYZE u;
ANALYZE s;

EXPLAIN (COSTS OFF) SELECT x.g, count(*) FROM (SELECT g FROM t WHERE id < 100) x GROUP BY x.g;
SELECT * FROM (SELECT x.g, count(*) FROM (SELECT g FROM t WHERE id < 100) x GROUP BY x.g) r ORDER BY 1, 2;
EXPLAIN (COSTS OFF) SELECT count(*) FROM (SELECT id FROM t WHERE g = 1) x;
SELECT * FROM (SELECT count(*) FROM (SELECT id FROM t WHERE g = 1) x) r ORDER BY 1;
