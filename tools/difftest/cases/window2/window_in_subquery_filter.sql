CREATE TABLE emp (id int, dept text, name text, salary int, hired date);
INSERT INTO emp VALUES (1, 'eng', 'ann', 120, '2020-01-10'), (2, 'eng', 'bob', 100, '2021-03-01'), (3, 'eng', 'cat', 120, '2019-07-15'), (4, 'ops', 'dan', 80, '2022-02-02'), (5, 'ops', 'eve', 90, '2020-11-30'), (6, 'hr', 'fay', 70, '2018-05-05'), (7, 'eng', 'gus', NULL, '2023-01-01');
\pset null (null)

SELECT * FROM (SELECT name, salary, avg(salary) OVER (PARTITION BY dept) AS dept_avg FROM emp) s WHERE salary > dept_avg ORDER BY name;
SELECT name FROM (SELECT name, lag(salary) OVER (ORDER BY hired) AS prev, salary FROM emp) s WHERE salary > prev ORDER BY name;
SELECT dept, count(*) FROM (SELECT dept, rank() OVER (PARTITION BY dept ORDER BY salary DESC NULLS LAST) AS r FROM emp) s WHERE r = 1 GROUP BY dept ORDER BY dept;
SELECT name FROM emp WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER (ORDER BY hired) AS rn FROM emp) s WHERE rn % 2 = 1) ORDER BY name;
