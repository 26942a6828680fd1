CREATE TABLE staff (id int PRIMARY KEY, name text, manager_id int, dept text, salary numeric(9,2), hired date);
INSERT INTO staff VALUES (1, 'ava', NULL, 'exec', 250000, '2015-01-01'), (2, 'ben', 1, 'eng', 180000, '2016-03-01'), (3, 'cal', 1, 'sales', 150000, '2017-06-01'), (4, 'dee', 2, 'eng', 120000, '2018-01-15'), (5, 'eli', 2, 'eng', 125000, '2019-09-09'), (6, 'fay', 3, 'sales', 90000, '2020-02-02'), (7, 'gil', 4, 'eng', 95000, '2021-07-07'), (8, 'hal', 4, 'eng', 95000, '2022-08-08');
\pset null (null)

SELECT CASE WHEN hired < '2017-01-01' THEN 'veteran' WHEN hired < '2020-01-01' THEN 'mid' ELSE 'new' END AS bucket, count(*), min(hired), max(hired) FROM staff GROUP BY 1 ORDER BY min(hired);
SELECT extract(year FROM hired)::int AS y, count(*), sum(count(*)) OVER (ORDER BY extract(year FROM hired)::int) AS cumulative FROM staff GROUP BY 1 ORDER BY 1;
SELECT dept, name, hired, rank() OVER (PARTITION BY dept ORDER BY hired) AS seniority FROM staff ORDER BY dept, seniority;
SELECT name, DATE '2024-01-01' - hired AS days FROM staff ORDER BY days DESC LIMIT 3;
