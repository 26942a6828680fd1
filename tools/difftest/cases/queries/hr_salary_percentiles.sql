CREATE TABLE staff (id int PRIMARY KEY, name text, manager_id int, dept text, salary numeric(9,2), hired date);
INSERT INTO staff VALUES (1, 'ava', NULL, 'exec', 250000, '2015-01-01'), (2, 'ben', 1, 'eng', 180000, '2016-03-01'), (3, 'cal', 1, 'sales', 150000, '2017-06-01'), (4, 'dee', 2, 'eng', 120000, '2018-01-15'), (5, 'eli', 2, 'eng', 125000, '2019-09-09'), (6, 'fay', 3, 'sales', 90000, '2020-02-02'), (7, 'gil', 4, 'eng', 95000, '2021-07-07'), (8, 'hal', 4, 'eng', 95000, '2022-08-08');
\pset null (null)

SELECT name, salary, ntile(4) OVER (ORDER BY salary, name) AS quartile, round(percent_rank() OVER (ORDER BY salary)::numeric, 3) AS pr FROM staff ORDER BY salary, name;
SELECT dept, percentile_cont(0.5) WITHIN GROUP (ORDER BY salary) AS median, percentile_disc(0.5) WITHIN GROUP (ORDER BY salary) AS disc FROM staff GROUP BY dept ORDER BY dept;
SELECT name FROM staff WHERE salary > (SELECT percentile_cont(0.75) WITHIN GROUP (ORDER BY salary) FROM staff) ORDER BY name;
SELECT dept, name, salary, salary - avg(salary) OVER (PARTITION BY dept) AS vs_avg FROM staff ORDER BY dept, salary DESC, name;
