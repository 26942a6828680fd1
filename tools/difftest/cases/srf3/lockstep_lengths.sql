SELECT generate_series(1, 3) AS a, generate_series(1, 3) AS b;
SELECT generate_series(1, 0) AS a, generate_series(1, 2) AS b;
SELECT generate_series(1, 0) AS a, generate_series(1, 0) AS b;
SELECT generate_series(1, 2) AS a, unnest(ARRAY['x', 'y', 'z']) AS b, generate_series(5, 1, -2) AS c;
SELECT 'k' AS k, generate_series(1, 2) AS a, 42 AS n, generate_series(1, 3) AS b;
SELECT unnest(ARRAY[1, NULL, 3]) AS a, unnest(ARRAY['p']) AS b;
SELECT count(*) FROM (SELECT generate_series(1, 4), generate_series(1, 7)) s;
