CREATE TABLE staff (id int PRIMARY KEY, name text, manager_id int, dept text, salary numeric(9,2), hired date);
INSERT INTO staff VALUES (1, 'ava', NULL, 'exec', 250000, '2015-01-01'), (2, 'ben', 1, 'eng', 180000, '2016-03-01'), (3, 'cal', 1, 'sales', 150000, '2017-06-01'), (4, 'dee', 2, 'eng', 120000, '2018-01-15'), (5, 'eli', 2, 'eng', 125000, '2019-09-09'), (6, 'fay', 3, 'sales', 90000, '2020-02-02'), (7, 'gil', 4, 'eng', 95000, '2021-07-07'), (8, 'hal', 4, 'eng', 95000, '2022-08-08');
\pset null (null)

SELECT e.name, e.salary, m.name AS manager, m.salary AS mgr_salary FROM staff e JOIN staff m ON m.id = e.manager_id WHERE e.salary > m.salary * 0.7 ORDER BY e.name;
SELECT m.name, count(e.id) AS direct, round(avg(e.salary), 2) AS avg_report FROM staff m LEFT JOIN staff e ON e.manager_id = m.id GROUP BY m.id, m.name ORDER BY direct DESC, m.name;
SELECT name FROM staff s WHERE NOT EXISTS (SELECT 1 FROM staff r WHERE r.manager_id = s.id) ORDER BY name;
SELECT a.name, b.name FROM staff a JOIN staff b ON a.manager_id = b.manager_id AND a.id < b.id AND a.salary = b.salary ORDER BY 1;
