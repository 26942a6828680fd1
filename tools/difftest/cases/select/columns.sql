CREATE TABLE emp (id int PRIMARY KEY, name text NOT NULL, dept text, salary numeric(8,2), hired int);
INSERT INTO emp VALUES
  (1, 'alice', 'eng', 120.50, 2019),
  (2, 'bob', 'eng', 99.00, 2020),
  (3, 'carol', 'ops', 80.25, 2018),
  (4, 'dave', NULL, 55.00, 2021),
  (5, 'eve', 'ops', NULL, 2022);

SELECT name, dept FROM emp ORDER BY id;
SELECT emp.name FROM emp ORDER BY 1;
SELECT e.name, e.id FROM emp e ORDER BY e.id;
SELECT e.name FROM emp AS e WHERE e.id = 3;
