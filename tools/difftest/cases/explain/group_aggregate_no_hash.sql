CREATE TABLE t (id int PRIMARY KEY, g int, v text);
INSERT INTO t SELECT i, i % 5, 'v' || i FROM generate_series(1, 200) i;
CREATE TABLE u (id int, t_id int, w int);
INSERT INTO u SELECT i, i % 50, i FROM generate_series(1, 100) i;
ANALYZE t;
ANALYZE u;

SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT t_id, count(*) FROM u GROUP BY t_id;
EXPLAIN (COSTS OFF) SELECT t_id, w % 2, count(*) FROM u GROUP BY t_id, w % 2;
EXPLAIN (COSTS OFF) SELECT DISTINCT t_id FROM u;
RESET enable_hashagg;
