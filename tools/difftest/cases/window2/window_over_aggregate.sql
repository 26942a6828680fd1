CREATE TABLE emp (id int, dept text, name text, salary int, hired date);
INSERT INTO emp VALUES (1, 'eng', 'ann', 120, '2020-01-10'), (2, 'eng', 'bob', 100, '2021-03-01'), (3, 'eng', 'cat', 120, '2019-07-15'), (4, 'ops', 'dan', 80, '2022-02-02'), (5, 'ops', 'eve', 90, '2020-11-30'), (6, 'hr', 'fay', 70, '2018-05-05'), (7, 'eng', 'gus', NULL, '2023-01-01');
\pset null (null)

SELECT dept, sum(salary) AS tot, rank() OVER (ORDER BY sum(salary) DESC NULLS LAST) FROM emp GROUP BY dept ORDER BY 3;
SELECT dept, count(*), sum(count(*)) OVER () AS all_rows FROM emp GROUP BY dept ORDER BY dept;
SELECT dept, sum(salary), round(100.0 * sum(salary) / sum(sum(salary)) OVER (), 1) AS pct FROM emp GROUP BY dept ORDER BY dept;
SELECT extract(year FROM hired) AS y, count(*), sum(count(*)) OVER (ORDER BY extract(year FROM hired)) FROM emp GROUP BY 1 ORDER BY 1;
SELECT dept, max(salary), lag(max(salary)) OVER (ORDER BY dept) FROM emp GROUP BY dept ORDER BY dept;
