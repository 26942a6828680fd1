CREATE TABLE t (id int PRIMARY KEY, g int, v text);
INSERT INTO t SELECT i, i % 5, 'v' || i FROM generate_series(1, 200) i;
CREATE TABLE u (id int, t_id int, w int);
INSERT INTO u SELECT i, i % 50, i FROM generate_series(1, 100) i;
ANALYZE t;
ANALYZE u;

EXPLAIN (COSTS OFF) SELECT * FROM (SELECT t_id, count(*) AS n FROM u GROUP BY t_id) s WHERE n > 1;
EXPLAIN (COSTS OFF) SELECT * FROM (SELECT w FROM u ORDER BY w LIMIT 10) s WHERE w > 3;
EXPLAIN (COSTS OFF) SELECT * FROM (SELECT w, row_number() OVER (ORDER BY w) AS rn FROM u) s WHERE rn < 3;
