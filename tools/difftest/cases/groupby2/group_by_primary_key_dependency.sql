CREATE TABLE dept (id int PRIMARY KEY, name text, city text);
CREATE TABLE emp (id int, dept_id int, pay int);
INSERT INTO dept VALUES (1, 'eng', 'oslo'), (2, 'ops', 'rome');
INSERT INTO emp VALUES (1, 1, 10), (2, 1, 20), (3, 2, 5);
SELECT d.id, d.name, d.city, sum(e.pay) FROM dept d JOIN emp e ON e.dept_id = d.id GROUP BY d.id ORDER BY d.id;
SELECT d.*, count(*) FROM dept d JOIN emp e ON e.dept_id = d.id GROUP BY d.id ORDER BY d.id;
SELECT name, count(*) FROM dept GROUP BY id ORDER BY name;
SELECT e.dept_id, d.name FROM emp e JOIN dept d ON d.id = e.dept_id GROUP BY e.dept_id;
SELECT d.name, max(e.pay) FROM dept d LEFT JOIN emp e ON e.dept_id = d.id GROUP BY d.id, d.name ORDER BY 1;
