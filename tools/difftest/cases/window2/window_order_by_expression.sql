CREATE TABLE emp (id int, dept text, name text, salary int, hired date);
INSERT INTO emp VALUES (1, 'eng', 'ann', 120, '2020-01-10'), (2, 'eng', 'bob', 100, '2021-03-01'), (3, 'eng', 'cat', 120, '2019-07-15'), (4, 'ops', 'dan', 80, '2022-02-02'), (5, 'ops', 'eve', 90, '2020-11-30'), (6, 'hr', 'fay', 70, '2018-05-05'), (7, 'eng', 'gus', NULL, '2023-01-01');
\pset null (null)

SELECT name, row_number() OVER (ORDER BY length(name), name) FROM emp ORDER BY 2;
SELECT name, rank() OVER (ORDER BY extract(year FROM hired)) FROM emp ORDER BY 2, name;
SELECT name, sum(salary) OVER (ORDER BY salary % 3, id) FROM emp WHERE salary IS NOT NULL ORDER BY salary % 3, id;
SELECT name, dense_rank() OVER (PARTITION BY salary > 95 ORDER BY name) FROM emp ORDER BY salary > 95, 2;
SELECT row_number() OVER (ORDER BY id) * 10 AS n, name FROM emp ORDER BY n DESC LIMIT 3;
