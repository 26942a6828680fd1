CREATE TABLE t (id int PRIMARY KEY, g int, v text);
INSERT INTO t SELECT i, i % 5, 'v' || i FROM generate_series(1, 200) i;
CREATE TABLE u (id int, t_id int, w int);
INSERT INTO u SELECT i, i % 50, i FROM generate_series(1, 100) i;
CREATE TABLE s (k int, name text);
INSERT INTO s SELECT i, 'n' || i FROM generate_series(1, 10) i;
ANALYZE t;
ANALYZE u;
ANALYZE s;

EXPLAIN (COSTS OFF) SELECT id, row_number() OVER (ORDER BY id) FROM (SELECT id FROM t WHERE g = 2) x WHERE id < 30;
SELECT * FROM (SELECT id, row_number() OVER (ORDER BY id) FROM (SELECT id FROM t WHERE g = 2) x WHERE id < 30) r ORDER BY 1, 2;
