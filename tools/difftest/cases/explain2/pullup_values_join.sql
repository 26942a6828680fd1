CREATE TABLE t (id int PRIMARY KEY, g int, v text);
INSERT INTO t SELECT i, i % 5, 'v' || i FROM generate_series(1, 200) i;
CREATE TABLE u (id int, t_id int, w int);
INSERT INTO u SELECT i, i % 50, i FROM generate_series(1, 100) i;
CREATE TABLE s (k int, name text);
INSERT INTO s SELECT i, 'n' || i FROM generate_series(1, 10) i;
ANALYZE t;
ANALYZE u;
ANALYZE s;

EXPLAIN (COSTS OFF) SELECT x.v FROM (SELECT id, v FROM t WHERE g = 1) x JOIN (VALUES (1), (6), (11)) vv(n) ON vv.n = x.id;
SELECT * FROM (SELECT x.v FROM (SELECT id, v FROM t WHERE g = 1) x JOIN (VALUES (1), (6), (11)) vv(n) ON vv.n = x.id) r ORDER BY 1;
