CREATE TABLE emp (id int PRIMARY KEY, name text, manager_id int, dept_id int);
CREATE TABLE dept (id int PRIMARY KEY, name text, region_id int);
CREATE TABLE region (id int PRIMARY KEY, name text);
CREATE TABLE proj (id int, emp_id int, title text);
INSERT INTO region VALUES (1, 'north'), (2, 'south');
INSERT INTO dept VALUES (10, 'eng', 1), (20, 'ops', 2), (30, 'hr', NULL);
INSERT INTO emp VALUES (1, 'boss', NULL, 10), (2, 'ann', 1, 10), (3, 'ben', 1, 20), (4, 'cy', 2, 20), (5, 'di', 2, 30);
INSERT INTO proj VALUES (100, 2, 'db'), (101, 2, 'ui'), (102, 4, 'ops'), (103, 9, 'ghost');

\pset null (null)
SELECT e.name, m.name AS manager FROM emp e LEFT JOIN emp m ON e.manager_id = m.id ORDER BY e.id;
SELECT m.name, count(*) AS reports FROM emp e JOIN emp m ON e.manager_id = m.id GROUP BY m.name ORDER BY m.name;
SELECT e.name, d.name AS dept, r.name AS region FROM emp e JOIN dept d ON e.dept_id = d.id JOIN region r ON d.region_id = r.id ORDER BY e.id;
SELECT e.name, d.name, r.name FROM emp e JOIN dept d ON e.dept_id = d.id LEFT JOIN region r ON d.region_id = r.id ORDER BY e.id;
SELECT e.name, d.name, r.name, p.title FROM emp e JOIN dept d ON e.dept_id = d.id LEFT JOIN region r ON r.id = d.region_id LEFT JOIN proj p ON p.emp_id = e.id ORDER BY e.id, p.title;
SELECT r.name, count(p.id) AS projects FROM region r LEFT JOIN dept d ON d.region_id = r.id LEFT JOIN emp e ON e.dept_id = d.id LEFT JOIN proj p ON p.emp_id = e.id GROUP BY r.name ORDER BY r.name;
SELECT e.name, m.name, mm.name FROM emp e JOIN emp m ON e.manager_id = m.id JOIN emp mm ON m.manager_id = mm.id ORDER BY e.id;
SELECT p.title, e.name FROM proj p LEFT JOIN (emp e JOIN dept d ON e.dept_id = d.id) ON p.emp_id = e.id ORDER BY p.id;
SELECT e.name FROM emp e, dept d, region r WHERE e.dept_id = d.id AND d.region_id = r.id AND r.name = 'south' ORDER BY 1;
