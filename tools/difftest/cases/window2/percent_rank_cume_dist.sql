CREATE TABLE emp (id int, dept text, name text, salary int, hired date);
INSERT INTO emp VALUES (1, 'eng', 'ann', 120, '2020-01-10'), (2, 'eng', 'bob', 100, '2021-03-01'), (3, 'eng', 'cat', 120, '2019-07-15'), (4, 'ops', 'dan', 80, '2022-02-02'), (5, 'ops', 'eve', 90, '2020-11-30'), (6, 'hr', 'fay', 70, '2018-05-05'), (7, 'eng', 'gus', NULL, '2023-01-01');
\pset null (null)

SELECT name, salary, round(percent_rank() OVER (ORDER BY salary)::numeric, 4) AS pr, round(cume_dist() OVER (ORDER BY salary)::numeric, 4) AS cd FROM emp WHERE salary IS NOT NULL ORDER BY salary, name;
SELECT dept, name, percent_rank() OVER (PARTITION BY dept ORDER BY salary), cume_dist() OVER (PARTITION BY dept ORDER BY salary) FROM emp WHERE dept <> 'eng' ORDER BY dept, name;
SELECT percent_rank() OVER (), cume_dist() OVER () FROM emp WHERE id = 1;
SELECT name, cume_dist() OVER (ORDER BY hired) FROM emp ORDER BY hired;
