SELECT generate_series(1, 3) * 2 AS doubled;
SELECT generate_series(1, 3)::text || '!' AS s;
SELECT -generate_series(1, 2) AS neg, generate_series(1, 3) + 100 AS h;
SELECT upper(unnest(ARRAY['a', 'b'])) AS u;
SELECT generate_series(1, 3) AS g ORDER BY g DESC;
SELECT generate_series(1, 5) AS g ORDER BY g LIMIT 2 OFFSET 1;
SELECT (SELECT max(x) FROM generate_series(1, 4) x) + generate_series(1, 2) AS v;
SELECT generate_series('2024-01-01'::date, '2024-01-03'::date, '1 day'::interval)::date AS d;
