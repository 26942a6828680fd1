CREATE TABLE t (g text, v numeric);
INSERT INTO t VALUES ('a', 1), ('a', 2), ('a', 3), ('a', 4), ('b', 10), ('b', 20), ('c', NULL);
\pset null (null)
SELECT g, percentile_cont(0.5) WITHIN GROUP (ORDER BY v) FROM t GROUP BY g ORDER BY g;
SELECT g, percentile_disc(0.5) WITHIN GROUP (ORDER BY v) FROM t GROUP BY g ORDER BY g;
SELECT percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY v) FROM t;
SELECT mode() WITHIN GROUP (ORDER BY g) FROM t;
SELECT rank(3) WITHIN GROUP (ORDER BY v), dense_rank(3) WITHIN GROUP (ORDER BY v), percent_rank(3) WITHIN GROUP (ORDER BY v), cume_dist(3) WITHIN GROUP (ORDER BY v) FROM t;
SELECT g, percentile_disc(0.9) WITHIN GROUP (ORDER BY v DESC) FROM t GROUP BY g ORDER BY g;
