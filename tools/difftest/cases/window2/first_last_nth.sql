CREATE TABLE emp (id int, dept text, name text, salary int, hired date);
INSERT INTO emp VALUES (1, 'eng', 'ann', 120, '2020-01-10'), (2, 'eng', 'bob', 100, '2021-03-01'), (3, 'eng', 'cat', 120, '2019-07-15'), (4, 'ops', 'dan', 80, '2022-02-02'), (5, 'ops', 'eve', 90, '2020-11-30'), (6, 'hr', 'fay', 70, '2018-05-05'), (7, 'eng', 'gus', NULL, '2023-01-01');
\pset null (null)

SELECT dept, name, first_value(name) OVER w, last_value(name) OVER w, nth_value(name, 2) OVER w FROM emp WINDOW w AS (PARTITION BY dept ORDER BY hired ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) ORDER BY dept, hired;
SELECT name, last_value(name) OVER (ORDER BY hired) FROM emp ORDER BY hired;
SELECT name, nth_value(name, 3) OVER (ORDER BY hired) FROM emp ORDER BY hired;
SELECT name, first_value(salary) OVER (PARTITION BY dept ORDER BY salary DESC NULLS LAST) FROM emp ORDER BY dept, name;
SELECT name, nth_value(name, 0) OVER () FROM emp;
