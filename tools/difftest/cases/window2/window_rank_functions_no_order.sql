CREATE TABLE emp (id int, dept text, name text, salary int, hired date);
INSERT INTO emp VALUES (1, 'eng', 'ann', 120, '2020-01-10'), (2, 'eng', 'bob', 100, '2021-03-01'), (3, 'eng', 'cat', 120, '2019-07-15'), (4, 'ops', 'dan', 80, '2022-02-02'), (5, 'ops', 'eve', 90, '2020-11-30'), (6, 'hr', 'fay', 70, '2018-05-05'), (7, 'eng', 'gus', NULL, '2023-01-01');
\pset null (null)

SELECT name, rank() OVER (PARTITION BY dept), dense_rank() OVER (PARTITION BY dept) FROM emp ORDER BY id;
SELECT name, percent_rank() OVER (PARTITION BY dept), cume_dist() OVER (PARTITION BY dept) FROM emp ORDER BY id;
SELECT name, ntile(2) OVER (PARTITION BY dept ORDER BY id) FROM emp ORDER BY id;
SELECT name, first_value(id) OVER (PARTITION BY dept ORDER BY id), last_value(id) OVER (PARTITION BY dept ORDER BY id RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM emp ORDER BY id;
