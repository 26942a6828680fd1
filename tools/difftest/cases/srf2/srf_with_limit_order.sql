SELECT g FROM generate_series(1, 1000000) g LIMIT 3;
SELECT g FROM generate_series(1, 20) g ORDER BY g % 5, g LIMIT 5;
SELECT generate_series(1, 10) AS g ORDER BY g DESC LIMIT 2;
SELECT * FROM generate_series(1, 10) g OFFSET 8;
SELECT g FROM generate_series(1, 10) g ORDER BY g FETCH FIRST 1 ROW ONLY;
