CREATE TABLE t (id int PRIMARY KEY, g int, v text);
INSERT INTO t SELECT i, i % 5, 'v' || i FROM generate_series(1, 200) i;
CREATE TABLE u (id int, t_id int, w int);
INSERT INTO u SELECT i, i % 50, i FROM generate_series(1, 100) i;
ANALYZE t;
ANALYZE u;

EXPLAIN (COSTS OFF) WITH c AS MATERIALIZED (SELECT * FROM u WHERE w > 10) SELECT * FROM c WHERE t_id = 1;
EXPLAIN (COSTS OFF) WITH c AS (SELECT * FROM u WHERE w > 10) SELECT * FROM c WHERE t_id = 1;
EXPLAIN (COSTS OFF) WITH c AS MATERIALIZED (SELECT t_id FROM u) SELECT count(*) FROM c;
