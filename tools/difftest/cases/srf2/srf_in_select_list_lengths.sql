SELECT generate_series(1, 3) AS a, generate_series(1, 2) AS b;
SELECT generate_series(1, 2) AS a, generate_series(1, 4) AS b;
SELECT 'x' AS c, generate_series(1, 3) AS n ORDER BY n DESC;
SELECT generate_series(1, 3) * 10 AS n;
SELECT unnest(ARRAY['a', 'b']) AS l, unnest(ARRAY[1, 2, 3]) AS n;
SELECT generate_series(1, generate_series(1, 3)) AS nested;
