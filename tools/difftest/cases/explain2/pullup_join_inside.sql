CREATE TABLE t (id int PRIMARY KEY, g int, v text);
INSERT INTO t SELECT i, i % 5, 'v' || i FROM generate_series(1, 200) i;
CREATE TABLE u (id int, t_id int, w int);
INSERT INTO u SELECT i, i % 50, i FROM generate_series(1, 100) i;
CREATE TABLE s (k int, name text);
INSERT INTO s SELECT i, 'n' || i FROM generate_series(1, 10) i;
ANALYZE t;
ANALYZE u;
ANALYZE s;

SET enable_mergejoin = off;
EXPLAIN (COSTS OFF) SELECT x.v, x.w FROM (SELECT t.v, u.w FROM t JOIN u ON u.t_id = t.id) x WHERE x.w < 5;
SELECT * FROM (SELECT x.v, x.w FROM (SELECT t.v, u.w FROM t JOIN u ON u.t_id = t.id) x WHERE x.w < 5) r ORDER BY 1, 2;
