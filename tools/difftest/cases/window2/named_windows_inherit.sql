CREATE TABLE emp (id int, dept text, name text, salary int, hired date);
INSERT INTO emp VALUES (1, 'eng', 'ann', 120, '2020-01-10'), (2, 'eng', 'bob', 100, '2021-03-01'), (3, 'eng', 'cat', 120, '2019-07-15'), (4, 'ops', 'dan', 80, '2022-02-02'), (5, 'ops', 'eve', 90, '2020-11-30'), (6, 'hr', 'fay', 70, '2018-05-05'), (7, 'eng', 'gus', NULL, '2023-01-01');
\pset null (null)

SELECT name, sum(salary) OVER w, avg(salary) OVER w FROM emp WINDOW w AS (PARTITION BY dept) ORDER BY id;
SELECT name, rank() OVER (w ORDER BY salary DESC NULLS LAST) FROM emp WINDOW w AS (PARTITION BY dept) ORDER BY dept, 2, name;
SELECT name, sum(salary) OVER (w ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM emp WINDOW w AS (ORDER BY id) ORDER BY id;
SELECT name, count(*) OVER w2 FROM emp WINDOW w1 AS (PARTITION BY dept), w2 AS (w1 ORDER BY hired) ORDER BY id;
SELECT name FROM emp WINDOW unused AS (ORDER BY id) ORDER BY id LIMIT 2;
