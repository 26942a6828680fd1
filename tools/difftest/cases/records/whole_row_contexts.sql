CREATE TABLE emp (id int, name text, dept int);
INSERT INTO emp VALUES (1, 'ann', 10), (2, 'bob', 20), (3, 'cy', 10);
WITH e AS (SELECT id, name FROM emp WHERE dept = 10) SELECT e FROM e ORDER BY e;
SELECT e FROM emp e WHERE e = ROW(2, 'bob', 20) ORDER BY 1;
SELECT x.id, y FROM emp x, LATERAL (SELECT x.name, x.dept * 2 AS d) y ORDER BY x.id;
SELECT dept, jsonb_agg(emp ORDER BY id) FROM emp GROUP BY dept ORDER BY dept;
SELECT id, (SELECT count(*) FROM emp e2 WHERE (e2.dept, e2.id) < (emp.dept, emp.id)) AS before FROM emp ORDER BY id;
SELECT array_agg(emp ORDER BY id DESC) FROM emp;
