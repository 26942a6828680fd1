SELECT d::date AS day FROM generate_series(DATE '2024-02-28', DATE '2024-03-01', interval '1 day') d;
SELECT pg_typeof(d) FROM generate_series(DATE '2024-01-01', DATE '2024-01-01', interval '1 day') d;
SELECT to_char(d, 'YYYY-MM') FROM generate_series(DATE '2023-11-01', DATE '2024-02-01', interval '1 month') d;
SELECT extract(isodow FROM d) AS dow, count(*) FROM generate_series(DATE '2024-01-01', DATE '2024-01-31', interval '1 day') d GROUP BY 1 ORDER BY 1;
SELECT DATE '2024-01-01' + g AS d FROM generate_series(0, 3) g;
