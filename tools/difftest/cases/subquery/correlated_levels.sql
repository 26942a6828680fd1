CREATE TABLE dept (id int, name text, budget int);
CREATE TABLE emp (id int, dept_id int, name text, salary int);
CREATE TABLE bonus (emp_id int, amount int);
INSERT INTO dept VALUES (1, 'eng', 300), (2, 'ops', 100), (3, 'hr', 50);
INSERT INTO emp VALUES (1, 1, 'ann', 120), (2, 1, 'ben', 100), (3, 2, 'cy', 90), (4, 2, 'di', 40), (5, 3, 'ed', 60);
INSERT INTO bonus VALUES (1, 10), (1, 5), (3, 20), (5, 1);

\pset null (null)
SELECT d.name FROM dept d WHERE EXISTS (SELECT 1 FROM emp e WHERE e.dept_id = d.id AND EXISTS (SELECT 1 FROM bonus b WHERE b.emp_id = e.id AND b.amount > d.budget / 20)) ORDER BY d.name;
SELECT d.name, (SELECT max(e.salary + coalesce((SELECT sum(b.amount) FROM bonus b WHERE b.emp_id = e.id), 0)) FROM emp e WHERE e.dept_id = d.id) AS top_pay FROM dept d ORDER BY d.id;
SELECT e.name FROM emp e WHERE e.salary > (SELECT d.budget / 3 FROM dept d WHERE d.id = e.dept_id) ORDER BY e.name;
SELECT d.name, sum(e.salary) FROM dept d JOIN emp e ON e.dept_id = d.id GROUP BY d.id, d.name HAVING sum(e.salary) > (SELECT avg(salary) * 2 FROM emp) ORDER BY d.name;
SELECT e.name, CASE WHEN EXISTS (SELECT 1 FROM bonus b WHERE b.emp_id = e.id) THEN 'bonus' ELSE 'none' END AS kind FROM emp e ORDER BY e.id;
SELECT e.name FROM emp e ORDER BY (SELECT coalesce(sum(amount), 0) FROM bonus b WHERE b.emp_id = e.id) DESC, e.name;
SELECT d.name, (SELECT string_agg(e.name, ',' ORDER BY e.name) FROM emp e WHERE e.dept_id = d.id AND e.salary < d.budget) AS under_budget FROM dept d ORDER BY d.id;
SELECT e.name FROM emp e WHERE e.id IN (SELECT b.emp_id FROM bonus b WHERE b.amount >= (SELECT min(b2.amount) FROM bonus b2 WHERE b2.emp_id = e.id) * 2) ORDER BY 1;
SELECT d.name, x.n FROM dept d, LATERAL (SELECT count(*) AS n FROM emp e WHERE e.dept_id = d.id AND e.salary > (SELECT avg(e2.salary) FROM emp e2 WHERE e2.dept_id = d.id)) x ORDER BY d.id;
SELECT (SELECT count(*) FROM emp WHERE emp.dept_id = dept.id) AS n, count(*) FROM dept GROUP BY id ORDER BY id;
