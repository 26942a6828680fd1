SELECT generate_series(1, generate_series(1, 3)) AS n;
SELECT generate_series(1, generate_series(1, 3)) AS n, generate_series(1, 2) AS m;
SELECT generate_series(generate_series(1, 2), 3) AS n;
SELECT unnest(ARRAY[generate_series(1, 2), 10]) AS n;
SELECT generate_series(1, generate_series(1, generate_series(1, 2))) AS n;
CREATE TABLE t (k int);
INSERT INTO t VALUES (1), (2);
SELECT k, generate_series(k, generate_series(2, 3)) AS n FROM t ORDER BY k, n;
