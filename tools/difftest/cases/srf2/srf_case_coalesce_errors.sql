SELECT CASE WHEN true THEN generate_series(1, 2) END;
SELECT coalesce(generate_series(1, 2), 0);
SELECT 1 WHERE generate_series(1, 2) > 0;
SELECT count(generate_series(1, 3));
SELECT 1 FROM generate_series(1, 3) g GROUP BY generate_series(1, 2);
SELECT generate_series(1, 2) AS g ORDER BY 1;
