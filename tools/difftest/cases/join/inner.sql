CREATE TABLE dept (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE emp (id int PRIMARY KEY, name text NOT NULL, dept_id int, salary int);
INSERT INTO dept VALUES (1, 'eng'), (2, 'ops'), (3, 'sales');
INSERT INTO emp VALUES (1, 'alice', 1, 120), (2, 'bob', 1, 100), (3, 'carol', 2, 90), (4, 'dave', NULL, 60), (5, 'eve', 9, 70);

SELECT e.name, d.name AS dept FROM emp e JOIN dept d ON e.dept_id = d.id ORDER BY e.id;
SELECT e.name, d.name FROM emp e INNER JOIN dept d ON d.id = e.dept_id AND e.salary > 95 ORDER BY e.name;
SELECT e.name, d.name FROM emp e, dept d WHERE e.dept_id = d.id AND d.name = 'eng' ORDER BY e.name;
SELECT d.name, count(*) AS n FROM emp e JOIN dept d ON e.dept_id = d.id GROUP BY d.name ORDER BY d.name;
SELECT e.name, d.name FROM emp e JOIN dept d ON e.dept_id < d.id ORDER BY e.name, d.name;
SELECT * FROM emp e JOIN dept d ON e.dept_id = d.id ORDER BY e.id;
SELECT e.*, d.name FROM emp e JOIN dept d ON e.dept_id = d.id WHERE e.id = 3;
SELECT d.*  FROM emp e JOIN dept d ON e.dept_id = d.id ORDER BY e.id LIMIT 2;
SELECT e1.name, e2.name FROM emp e1 JOIN emp e2 ON e1.dept_id = e2.dept_id AND e1.id < e2.id ORDER BY 1, 2;
SELECT count(*) FROM emp JOIN dept ON true;
SELECT e.name FROM emp e JOIN dept d ON false ORDER BY 1;
