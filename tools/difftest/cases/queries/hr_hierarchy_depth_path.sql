CREATE TABLE staff (id int PRIMARY KEY, name text, manager_id int, dept text, salary numeric(9,2), hired date);
INSERT INTO staff VALUES (1, 'ava', NULL, 'exec', 250000, '2015-01-01'), (2, 'ben', 1, 'eng', 180000, '2016-03-01'), (3, 'cal', 1, 'sales', 150000, '2017-06-01'), (4, 'dee', 2, 'eng', 120000, '2018-01-15'), (5, 'eli', 2, 'eng', 125000, '2019-09-09'), (6, 'fay', 3, 'sales', 90000, '2020-02-02'), (7, 'gil', 4, 'eng', 95000, '2021-07-07'), (8, 'hal', 4, 'eng', 95000, '2022-08-08');
\pset null (null)

WITH RECURSIVE org AS (SELECT id, name, 0 AS depth, name::text AS path FROM staff WHERE manager_id IS NULL UNION ALL SELECT s.id, s.name, org.depth + 1, org.path || ' > ' || s.name FROM staff s JOIN org ON s.manager_id = org.id) SELECT depth, path FROM org ORDER BY path;
WITH RECURSIVE chain AS (SELECT id, name, manager_id FROM staff WHERE name = 'hal' UNION ALL SELECT s.id, s.name, s.manager_id FROM staff s JOIN chain ON s.id = chain.manager_id) SELECT string_agg(name, ' <- ' ORDER BY id DESC) FROM chain;
WITH RECURSIVE sub AS (SELECT id, id AS root FROM staff UNION ALL SELECT s.id, sub.root FROM staff s JOIN sub ON s.manager_id = sub.id) SELECT st.name, count(*) - 1 AS headcount, sum(x.salary) AS cost FROM sub JOIN staff st ON st.id = sub.root JOIN staff x ON x.id = sub.id GROUP BY st.id, st.name HAVING count(*) > 1 ORDER BY headcount DESC, st.name;
