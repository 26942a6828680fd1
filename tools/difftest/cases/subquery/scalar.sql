CREATE TABLE emp (id int PRIMARY KEY, name text, dept text, salary int);
INSERT INTO emp VALUES (1, 'ann', 'eng', 100), (2, 'ben', 'eng', 80), (3, 'cy', 'ops', 70), (4, 'di', 'ops', 90), (5, 'ed', 'hr', 50);

\pset null (null)
SELECT (SELECT max(salary) FROM emp) AS top;
SELECT name, salary - (SELECT avg(salary) FROM emp)::int AS diff FROM emp ORDER BY id;
SELECT name FROM emp WHERE salary = (SELECT max(salary) FROM emp);
SELECT name, (SELECT count(*) FROM emp e2 WHERE e2.dept = e.dept) AS dept_size FROM emp e ORDER BY id;
SELECT name FROM emp e WHERE salary > (SELECT avg(salary) FROM emp e2 WHERE e2.dept = e.dept) ORDER BY name;
SELECT name, (SELECT e2.name FROM emp e2 WHERE e2.salary > e.salary ORDER BY e2.salary LIMIT 1) AS next_up FROM emp e ORDER BY id;
SELECT (SELECT name FROM emp WHERE id = 99) AS nobody;
SELECT (SELECT name FROM emp) AS too_many;
SELECT name FROM emp WHERE id = (SELECT id FROM emp WHERE dept = 'eng');
SELECT (SELECT id, name FROM emp WHERE id = 1);
SELECT name FROM emp ORDER BY (SELECT 1), name;
SELECT dept, (SELECT max(salary) FROM emp e2 WHERE e2.dept = e.dept) FROM emp e GROUP BY dept ORDER BY dept;
SELECT name, (SELECT (SELECT e.salary * 2)) AS nested FROM emp e ORDER BY id;
SELECT (SELECT 1 WHERE false) IS NULL AS empty_is_null;
