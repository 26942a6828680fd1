SELECT * FROM generate_series(1, 5);
SELECT g * 2 AS even FROM generate_series(1, 3) AS g ORDER BY g DESC;
SELECT count(*) FROM generate_series(1, 100) g WHERE g % 7 = 0;
