CREATE TABLE staff (id int PRIMARY KEY, name text, manager_id int, dept text, salary numeric(9,2), hired date);
INSERT INTO staff VALUES (1, 'ava', NULL, 'exec', 250000, '2015-01-01'), (2, 'ben', 1, 'eng', 180000, '2016-03-01'), (3, 'cal', 1, 'sales', 150000, '2017-06-01'), (4, 'dee', 2, 'eng', 120000, '2018-01-15'), (5, 'eli', 2, 'eng', 125000, '2019-09-09'), (6, 'fay', 3, 'sales', 90000, '2020-02-02'), (7, 'gil', 4, 'eng', 95000, '2021-07-07'), (8, 'hal', 4, 'eng', 95000, '2022-08-08');
\pset null (null)

UPDATE staff s SET salary = round(s.salary * 1.05, 2) WHERE s.salary < (SELECT avg(salary) FROM staff s2 WHERE s2.dept = s.dept) RETURNING name, salary;
SELECT dept, sum(salary) FROM staff GROUP BY dept ORDER BY dept;
WITH ranked AS (SELECT id, rank() OVER (ORDER BY hired) AS r FROM staff) UPDATE staff SET salary = salary + 1000 FROM ranked WHERE ranked.id = staff.id AND ranked.r <= 2 RETURNING staff.name, staff.salary;
SELECT count(*) FILTER (WHERE salary::int % 1000 = 0) AS round_k FROM staff;
