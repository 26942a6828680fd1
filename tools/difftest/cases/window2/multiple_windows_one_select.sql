CREATE TABLE emp (id int, dept text, name text, salary int, hired date);
INSERT INTO emp VALUES (1, 'eng', 'ann', 120, '2020-01-10'), (2, 'eng', 'bob', 100, '2021-03-01'), (3, 'eng', 'cat', 120, '2019-07-15'), (4, 'ops', 'dan', 80, '2022-02-02'), (5, 'ops', 'eve', 90, '2020-11-30'), (6, 'hr', 'fay', 70, '2018-05-05'), (7, 'eng', 'gus', NULL, '2023-01-01');
\pset null (null)

SELECT name, row_number() OVER (ORDER BY id), row_number() OVER (ORDER BY id DESC), row_number() OVER (PARTITION BY dept ORDER BY id) FROM emp ORDER BY id;
SELECT name, sum(salary) OVER (ORDER BY id), sum(salary) OVER (ORDER BY hired), sum(salary) OVER () FROM emp ORDER BY id;
SELECT name, rank() OVER (ORDER BY salary DESC NULLS LAST) - rank() OVER (PARTITION BY dept ORDER BY salary DESC NULLS LAST) AS diff FROM emp ORDER BY id;
SELECT name, lag(name) OVER (ORDER BY hired), lead(name) OVER (ORDER BY salary NULLS FIRST, id) FROM emp ORDER BY id;
