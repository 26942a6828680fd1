CREATE TABLE movements (sku text, at timestamp, delta int, kind text);
INSERT INTO movements VALUES ('A', '2024-01-01 09:00', 100, 'receipt'), ('A', '2024-01-02 10:00', -30, 'sale'), ('A', '2024-01-03 11:00', -80, 'sale'), ('A', '2024-01-04 08:00', 50, 'receipt'), ('B', '2024-01-01 12:00', 20, 'receipt'), ('B', '2024-01-05 12:00', -20, 'sale'), ('B', '2024-01-06 12:00', 5, 'adjust'), ('C', '2024-01-02 00:00', 0, 'adjust');
\pset null (null)

SELECT d::date AS day, coalesce(sum(m.delta), 0) AS net FROM generate_series(TIMESTAMP '2024-01-01', TIMESTAMP '2024-01-06', interval '1 day') d LEFT JOIN movements m ON m.at >= d AND m.at < d + interval '1 day' GROUP BY d ORDER BY d;
SELECT d::date AS day, s.sku, coalesce((SELECT sum(delta) FROM movements m WHERE m.sku = s.sku AND m.at < d + interval '1 day'), 0) AS eod FROM generate_series(TIMESTAMP '2024-01-01', TIMESTAMP '2024-01-04', interval '1 day') d CROSS JOIN (SELECT DISTINCT sku FROM movements) s ORDER BY 1, 2;
SELECT d::date FROM generate_series(TIMESTAMP '2024-01-01', TIMESTAMP '2024-01-06', interval '1 day') d WHERE NOT EXISTS (SELECT 1 FROM movements m WHERE m.at::date = d::date) ORDER BY 1;
