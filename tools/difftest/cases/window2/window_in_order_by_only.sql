CREATE TABLE emp (id int, dept text, name text, salary int, hired date);
INSERT INTO emp VALUES (1, 'eng', 'ann', 120, '2020-01-10'), (2, 'eng', 'bob', 100, '2021-03-01'), (3, 'eng', 'cat', 120, '2019-07-15'), (4, 'ops', 'dan', 80, '2022-02-02'), (5, 'ops', 'eve', 90, '2020-11-30'), (6, 'hr', 'fay', 70, '2018-05-05'), (7, 'eng', 'gus', NULL, '2023-01-01');
\pset null (null)

SELECT name FROM emp ORDER BY row_number() OVER (ORDER BY hired DESC);
SELECT name, salary FROM emp ORDER BY rank() OVER (ORDER BY salary DESC NULLS LAST), name;
SELECT dept FROM emp GROUP BY dept ORDER BY count(*) OVER (ORDER BY dept), dept;
SELECT name FROM emp ORDER BY sum(salary) OVER (PARTITION BY dept) DESC NULLS LAST, name LIMIT 3;
