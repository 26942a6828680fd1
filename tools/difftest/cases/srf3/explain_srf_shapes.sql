CREATE TABLE t (id int, v int);
EXPLAIN (COSTS OFF) SELECT generate_series(1, 3);
EXPLAIN (COSTS OFF) SELECT generate_series(1, generate_series(1, 3));
EXPLAIN (COSTS OFF) SELECT id, generate_series(1, v) FROM t;
EXPLAIN (COSTS OFF) SELECT count(*), generate_series(1, 2) FROM t;
EXPLAIN (COSTS OFF) SELECT 1 FROM t GROUP BY generate_series(1, 2);
EXPLAIN (COSTS OFF) SELECT * FROM t ORDER BY v FETCH FIRST 2 ROWS WITH TIES;
EXPLAIN (COSTS OFF) SELECT * FROM ROWS FROM (generate_series(1, 2), unnest(ARRAY[1])) r;
