CREATE TABLE t (id int PRIMARY KEY, g int, v text);
INSERT INTO t SELECT i, i % 5, 'v' || i FROM generate_series(1, 200) i;
CREATE TABLE u (id int, t_id int, w int);
INSERT INTO u SELECT i, i % 50, i FROM generate_series(1, 100) i;
CREATE TABLE s (k int, name text);
INSERT INTO s SELECT i, 'n' || i FROM generate_series(1, 10) i;
ANALYZE t;
ANALYZE u;
ANALYZE s;

SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT w % 3, count(*) FROM u GROUP BY w % 3;
SELECT * FROM (SELECT w % 3, count(*) FROM u GROUP BY w % 3) r ORDER BY 1, 2;
RESET enable_hashagg;
EXPLAIN (COSTS OFF) SELECT w % 3, count(*) FROM u GROUP BY w % 3;
SELECT * FROM (SELECT w % 3, count(*) FROM u GROUP BY w % 3) r ORDER BY 1, 2;
