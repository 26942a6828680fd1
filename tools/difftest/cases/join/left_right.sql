CREATE TABLE dept (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE emp (id int PRIMARY KEY, name text NOT NULL, dept_id int, salary int);
INSERT INTO dept VALUES (1, 'eng'), (2, 'ops'), (3, 'sales');
INSERT INTO emp VALUES (1, 'alice', 1, 120), (2, 'bob', 1, 100), (3, 'carol', 2, 90), (4, 'dave', NULL, 60), (5, 'eve', 9, 70);

\pset null (null)
SELECT e.name, d.name AS dept FROM emp e LEFT JOIN dept d ON e.dept_id = d.id ORDER BY e.id;
SELECT e.name, d.name AS dept FROM emp e LEFT OUTER JOIN dept d ON e.dept_id = d.id WHERE d.id IS NULL ORDER BY e.id;
SELECT d.name, e.name FROM emp e RIGHT JOIN dept d ON e.dept_id = d.id ORDER BY d.id, e.id;
SELECT d.name, count(e.id) AS staff FROM dept d LEFT JOIN emp e ON e.dept_id = d.id GROUP BY d.id, d.name ORDER BY d.id;
SELECT d.name, coalesce(sum(e.salary), 0) AS payroll FROM emp e RIGHT OUTER JOIN dept d ON e.dept_id = d.id GROUP BY d.name ORDER BY d.name;
SELECT e.name, d.name FROM emp e LEFT JOIN dept d ON e.dept_id = d.id AND d.name <> 'eng' ORDER BY e.id;
SELECT e.name, d.id FROM emp e LEFT JOIN dept d ON d.id = 2 ORDER BY e.id;
SELECT d.name FROM dept d LEFT JOIN emp e ON e.dept_id = d.id WHERE e.id IS NULL ORDER BY d.name;
