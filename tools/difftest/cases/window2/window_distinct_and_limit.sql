CREATE TABLE emp (id int, dept text, name text, salary int, hired date);
INSERT INTO emp VALUES (1, 'eng', 'ann', 120, '2020-01-10'), (2, 'eng', 'bob', 100, '2021-03-01'), (3, 'eng', 'cat', 120, '2019-07-15'), (4, 'ops', 'dan', 80, '2022-02-02'), (5, 'ops', 'eve', 90, '2020-11-30'), (6, 'hr', 'fay', 70, '2018-05-05'), (7, 'eng', 'gus', NULL, '2023-01-01');
\pset null (null)

SELECT DISTINCT dept, count(*) OVER (PARTITION BY dept) FROM emp ORDER BY dept;
SELECT DISTINCT ON (dept) dept, name, rank() OVER (PARTITION BY dept ORDER BY salary DESC NULLS LAST) FROM emp ORDER BY dept, 3, name;
SELECT name, row_number() OVER (ORDER BY id) FROM emp ORDER BY id LIMIT 3 OFFSET 2;
SELECT name, count(*) OVER () FROM emp ORDER BY id LIMIT 2;
