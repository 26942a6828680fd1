CREATE TABLE emp (id int, name text, boss int, salary numeric);
INSERT INTO emp VALUES (1, 'ceo', NULL, 300), (2, 'vp1', 1, 200), (3, 'vp2', 1, 210), (4, 'dev1', 2, 100), (5, 'dev2', 2, 120), (6, 'dev3', 3, 100);
\pset null -
SELECT e.name, b.name AS boss FROM emp e LEFT JOIN emp b ON b.id = e.boss ORDER BY e.id;
SELECT e.name, b.name FROM emp e JOIN emp b ON b.id = e.boss WHERE e.salary > b.salary * 0.55 ORDER BY e.name;
SELECT a.name, b.name FROM emp a JOIN emp b ON a.salary = b.salary AND a.id < b.id ORDER BY 1, 2;
SELECT e.name, gb.name AS grand FROM emp e JOIN emp b ON b.id = e.boss JOIN emp gb ON gb.id = b.boss ORDER BY e.name;
SELECT b.name, count(e.id) AS reports FROM emp b LEFT JOIN emp e ON e.boss = b.id GROUP BY b.id, b.name ORDER BY b.id;
SELECT e1.name, e2.name FROM emp e1, emp e2 WHERE e1.boss = e2.boss AND e1.id < e2.id ORDER BY 1, 2;
