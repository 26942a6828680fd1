CREATE TABLE movements (sku text, at timestamp, delta int, kind text);
INSERT INTO movements VALUES ('A', '2024-01-01 09:00', 100, 'receipt'), ('A', '2024-01-02 10:00', -30, 'sale'), ('A', '2024-01-03 11:00', -80, 'sale'), ('A', '2024-01-04 08:00', 50, 'receipt'), ('B', '2024-01-01 12:00', 20, 'receipt'), ('B', '2024-01-05 12:00', -20, 'sale'), ('B', '2024-01-06 12:00', 5, 'adjust'), ('C', '2024-01-02 00:00', 0, 'adjust');
\pset null (null)

SELECT sku, at, delta, sum(delta) OVER (PARTITION BY sku ORDER BY at) AS on_hand FROM movements ORDER BY sku, at;
SELECT sku, on_hand FROM (SELECT sku, sum(delta) OVER (PARTITION BY sku ORDER BY at) AS on_hand, row_number() OVER (PARTITION BY sku ORDER BY at DESC) AS rn FROM movements) s WHERE rn = 1 ORDER BY sku;
SELECT sku, at FROM (SELECT sku, at, sum(delta) OVER (PARTITION BY sku ORDER BY at) AS on_hand FROM movements) s WHERE on_hand < 0 ORDER BY sku, at;
SELECT sku, sum(delta) FILTER (WHERE kind = 'receipt') AS received, -sum(delta) FILTER (WHERE kind = 'sale') AS sold, sum(delta) AS net FROM movements GROUP BY sku ORDER BY sku;
