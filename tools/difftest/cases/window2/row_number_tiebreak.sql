CREATE TABLE emp (id int, dept text, name text, salary int, hired date);
INSERT INTO emp VALUES (1, 'eng', 'ann', 120, '2020-01-10'), (2, 'eng', 'bob', 100, '2021-03-01'), (3, 'eng', 'cat', 120, '2019-07-15'), (4, 'ops', 'dan', 80, '2022-02-02'), (5, 'ops', 'eve', 90, '2020-11-30'), (6, 'hr', 'fay', 70, '2018-05-05'), (7, 'eng', 'gus', NULL, '2023-01-01');
\pset null (null)

SELECT name, row_number() OVER (ORDER BY salary DESC NULLS LAST, id) FROM emp ORDER BY 2;
SELECT name, row_number() OVER (PARTITION BY dept ORDER BY hired) FROM emp ORDER BY dept, 2;
SELECT name, row_number() OVER (ORDER BY name DESC) FROM emp ORDER BY name;
SELECT dept, name FROM (SELECT dept, name, row_number() OVER (PARTITION BY dept ORDER BY hired DESC) rn FROM emp) s WHERE rn <= 2 ORDER BY dept, name;
SELECT row_number() OVER (), count(*) OVER () FROM emp WHERE dept = 'hr';
