CREATE TABLE t (id int, name text, d date);
INSERT INTO t VALUES (1, 'Ann', '2024-01-15'), (2, 'ann', '2024-01-20'), (3, 'Bob', '2024-02-01'), (4, 'BOB', '2024-03-09'), (5, 'cy', '2023-12-31');
SELECT lower(name), count(*) FROM t GROUP BY lower(name) ORDER BY 1;
SELECT extract(year FROM d) AS y, extract(month FROM d) AS m, count(*) FROM t GROUP BY 1, 2 ORDER BY 1, 2;
SELECT id % 2 = 0 AS even, array_agg(id ORDER BY id) FROM t GROUP BY id % 2 = 0 ORDER BY 1;
SELECT length(name) AS len, string_agg(name, ',' ORDER BY name) FROM t GROUP BY length(name) ORDER BY len;
SELECT upper(name) || '!' FROM t GROUP BY upper(name) ORDER BY 1;
SELECT date_trunc('month', d) AS m, count(*) FROM t GROUP BY m ORDER BY m;
