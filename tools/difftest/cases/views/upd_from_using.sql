-- UPDATE ... FROM and DELETE ... USING with a view as the target
CREATE TABLE emp (id int, dept int, salary int, active bool);
CREATE TABLE raise (dept int, pct int);
INSERT INTO emp VALUES (1, 10, 100, true), (2, 10, 200, false), (3, 20, 300, true), (4, 30, 400, true);
INSERT INTO raise VALUES (10, 10), (20, 50);
CREATE VIEW active_emp AS SELECT id, dept, salary FROM emp WHERE active;
UPDATE active_emp e SET salary = salary + salary * r.pct / 100 FROM raise r WHERE r.dept = e.dept RETURNING e.*, r.pct;
SELECT * FROM emp ORDER BY id;
DELETE FROM active_emp USING raise WHERE raise.dept = active_emp.dept AND raise.pct > 20 RETURNING active_emp.id, raise.pct;
SELECT * FROM emp ORDER BY id;
UPDATE active_emp SET salary = 0 WHERE dept IN (SELECT dept FROM raise) RETURNING id;
UPDATE active_emp SET salary = (SELECT max(pct) FROM raise WHERE raise.dept <> active_emp.dept) WHERE id = 4 RETURNING *;
DELETE FROM active_emp a WHERE EXISTS (SELECT 1 FROM raise r WHERE r.dept = a.dept) RETURNING (SELECT count(*) FROM raise r WHERE r.dept = a.dept) AS matches;
SELECT * FROM emp ORDER BY id;
