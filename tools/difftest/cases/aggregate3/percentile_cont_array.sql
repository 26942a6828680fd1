CREATE TABLE s (v int);
INSERT INTO s SELECT g FROM generate_series(1, 10) g;
INSERT INTO s VALUES (NULL);
\pset null (null)
SELECT percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY v) FROM s;
SELECT percentile_cont(ARRAY[0.9, NULL, 0.1]) WITHIN GROUP (ORDER BY v) FROM s;
SELECT percentile_cont(ARRAY[[0.1, 0.2], [0.3, 0.4]]) WITHIN GROUP (ORDER BY v) FROM s;
SELECT percentile_cont(ARRAY[]::float8[]) WITHIN GROUP (ORDER BY v) FROM s;
SELECT percentile_cont(ARRAY[0.5]) WITHIN GROUP (ORDER BY v) FROM s WHERE v > 100;
SELECT percentile_cont(NULL::float8[]) WITHIN GROUP (ORDER BY v) FROM s;
SELECT v % 2 AS odd, percentile_cont(ARRAY[0.5, 1]) WITHIN GROUP (ORDER BY v DESC) FROM s GROUP BY 1 ORDER BY 1;
