CREATE TABLE m (g int, x float8, i int, n numeric);
INSERT INTO m VALUES (1, 1.5, 10, 1.25), (1, 2.5, 20, 2.5), (1, 10, 30, 3.75), (2, -1, 5, 0), (2, NULL, NULL, NULL), (3, NULL, 7, NULL);
\pset null (null)
SELECT g, percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM m GROUP BY g ORDER BY g;
SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY x), percentile_cont(0.75) WITHIN GROUP (ORDER BY i) FROM m;
SELECT percentile_cont(0.1) WITHIN GROUP (ORDER BY n), percentile_cont(0.9) WITHIN GROUP (ORDER BY n DESC) FROM m;
SELECT percentile_cont(0) WITHIN GROUP (ORDER BY x), percentile_cont(1) WITHIN GROUP (ORDER BY x) FROM m;
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM m WHERE false;
SELECT percentile_cont(NULL) WITHIN GROUP (ORDER BY x) FROM m;
SELECT percentile_cont(0.333) WITHIN GROUP (ORDER BY x) FROM (VALUES (0.1::float8), (0.2), (0.7)) v(x);
SELECT pg_typeof(percentile_cont(0.5) WITHIN GROUP (ORDER BY i)) FROM m;
