CREATE TABLE emp (id int PRIMARY KEY, name text NOT NULL, dept text, salary numeric(8,2), hired int);
INSERT INTO emp VALUES
  (1, 'alice', 'eng', 120.50, 2019),
  (2, 'bob', 'eng', 99.00, 2020),
  (3, 'carol', 'ops', 80.25, 2018),
  (4, 'dave', NULL, 55.00, 2021),
  (5, 'eve', 'ops', NULL, 2022);

SELECT nosuch FROM emp;
SELECT emp.nosuch FROM emp;
SELECT x.name FROM emp;
SELECT e.name FROM emp AS e WHERE emp.id = 1;
SELECT * FROM nosuch;
