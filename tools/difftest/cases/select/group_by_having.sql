CREATE TABLE emp (id int PRIMARY KEY, name text NOT NULL, dept text, salary numeric(8,2), hired int);
INSERT INTO emp VALUES
  (1, 'alice', 'eng', 120.50, 2019),
  (2, 'bob', 'eng', 99.00, 2020),
  (3, 'carol', 'ops', 80.25, 2018),
  (4, 'dave', NULL, 55.00, 2021),
  (5, 'eve', 'ops', NULL, 2022);

SELECT dept, count(*) AS n FROM emp GROUP BY dept HAVING count(*) > 1 ORDER BY dept;
SELECT dept, max(hired) FROM emp WHERE dept IS NOT NULL GROUP BY dept ORDER BY 2 DESC;
SELECT name, count(*) FROM emp;
