CREATE TABLE emp (id int, dept text, name text, salary int, hired date);
INSERT INTO emp VALUES (1, 'eng', 'ann', 120, '2020-01-10'), (2, 'eng', 'bob', 100, '2021-03-01'), (3, 'eng', 'cat', 120, '2019-07-15'), (4, 'ops', 'dan', 80, '2022-02-02'), (5, 'ops', 'eve', 90, '2020-11-30'), (6, 'hr', 'fay', 70, '2018-05-05'), (7, 'eng', 'gus', NULL, '2023-01-01');
\pset null (null)

CREATE TABLE dept (code text, floor int);
INSERT INTO dept VALUES ('eng', 3), ('ops', 1), ('hr', 2);
WITH r AS (SELECT name, dept, rank() OVER (PARTITION BY dept ORDER BY hired) AS seniority FROM emp) SELECT r.name, d.floor, r.seniority FROM r JOIN dept d ON d.code = r.dept ORDER BY d.floor, r.seniority;
SELECT e.name, d.floor, sum(e.salary) OVER (PARTITION BY d.floor) FROM emp e JOIN dept d ON d.code = e.dept ORDER BY e.id;
SELECT d.code, count(e.id) OVER (PARTITION BY d.code) FROM dept d LEFT JOIN emp e ON e.dept = d.code AND e.salary > 100 ORDER BY d.code;
