SELECT sum(g), avg(g), max(g) FROM generate_series(1, 100) g;
SELECT g % 3 AS r, count(*) FROM generate_series(1, 10) g GROUP BY 1 ORDER BY 1;
SELECT g FROM generate_series(1, 30) g WHERE g % 7 = 0 ORDER BY g DESC;
SELECT string_agg(g::text, '' ORDER BY g DESC) FROM generate_series(1, 9) g;
SELECT count(*) FROM generate_series(1, 5) a, generate_series(1, 5) b WHERE a < b;
SELECT array_agg(x ORDER BY x) FROM unnest(ARRAY[3, 1, 2]) x;
