CREATE TABLE emp (id int PRIMARY KEY, name text NOT NULL, dept text, salary numeric(8,2), hired int);
INSERT INTO emp VALUES
  (1, 'alice', 'eng', 120.50, 2019),
  (2, 'bob', 'eng', 99.00, 2020),
  (3, 'carol', 'ops', 80.25, 2018),
  (4, 'dave', NULL, 55.00, 2021),
  (5, 'eve', 'ops', NULL, 2022);

SELECT name FROM emp WHERE dept = 'eng' ORDER BY name;
SELECT name FROM emp WHERE salary > 90 ORDER BY name;
SELECT name FROM emp WHERE dept IS NULL;
SELECT name FROM emp WHERE dept IS NOT NULL AND hired >= 2020 ORDER BY name;
SELECT name FROM emp WHERE NOT (dept = 'ops') ORDER BY name;
SELECT name FROM emp WHERE id IN (1, 3, 5) ORDER BY id;
SELECT name FROM emp WHERE id NOT IN (1, 3, 5) ORDER BY id;
