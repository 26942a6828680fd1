CREATE TABLE t (id int PRIMARY KEY, g int, v text);
INSERT INTO t SELECT i, i % 5, 'v' || i FROM generate_series(1, 200) i;
CREATE TABLE u (id int, t_id int, w int);
INSERT INTO u SELECT i, i % 50, i FROM generate_series(1, 100) i;
CREATE TABLE s (k int, name text);
INSERT INTO s SELECT i, 'n' || i FROM generate_series(1, 10) i;
ANALYZE t;
ANALYZE u;
ANALYZE s;

EXPLAIN (COSTS OFF) SELECT t.v, u.w FROM t JOIN u ON u.t_id = t.id WHERE u.w > 50;
SELECT * FROM (SELECT t.v, u.w FROM t JOIN u ON u.t_id = t.id WHERE u.w > 50) r ORDER BY 1, 2;
EXPLAIN (COSTS OFF) SELECT t.v FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.t_id = t.id);
SELECT * FROM (SELECT t.v FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.t_id = t.id)) r ORDER BY 1;
EXPLAIN (COSTS OFF) SELECT t.v FROM t WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.t_id = t.id);
SELECT * FROM (SELECT t.v FROM t WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.t_id = t.id)) r ORDER BY 1;
