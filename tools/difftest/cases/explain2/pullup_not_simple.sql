CREATE TABLE t (id int PRIMARY KEY, g int, v text);
INSERT INTO t SELECT i, i % 5, 'v' || i FROM generate_series(1, 200) i;
CREATE TABLE u (id int, t_id int, w int);
INSERT INTO u SELECT i, i % 50, i FROM generate_series(1, 100) i;
CREATE TABLE s (k int, name text);
INSERT INTO s SELECT i, 'n' || i FROM generate_series(1, 10) i;
ANALYZE t;
ANALYZE u;
ANALYZE s;

EXPLAIN (COSTS OFF) SELECT * FROM (SELECT g, count(*) FROM t GROUP BY g) x;
SELECT * FROM (SELECT * FROM (SELECT g, count(*) FROM t GROUP BY g) x) r ORDER BY 1;
EXPLAIN (COSTS OFF) SELECT * FROM (SELECT id FROM t ORDER BY id LIMIT 5) x WHERE id > 2;
SELECT * FROM (SELECT * FROM (SELECT id FROM t ORDER BY id LIMIT 5) x WHERE id > 2) r ORDER BY 1;
