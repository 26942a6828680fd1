CREATE TABLE staff (id int PRIMARY KEY, dept text, pay int);
INSERT INTO staff VALUES (1, 'a', 10), (2, 'a', 20), (3, 'b', 30), (4, 'b', 50), (5, 'c', 7);
UPDATE staff s SET pay = pay + 1 WHERE pay < (SELECT avg(pay) FROM staff s2 WHERE s2.dept = s.dept) RETURNING id, pay;
SELECT * FROM staff ORDER BY id;
UPDATE staff s SET pay = (SELECT max(pay) FROM staff s2 WHERE s2.dept = s.dept) WHERE dept <> 'c';
SELECT * FROM staff ORDER BY id;
DELETE FROM staff s WHERE pay = (SELECT min(pay) FROM staff) RETURNING *;
UPDATE staff SET pay = pay - (SELECT count(*) FROM staff s2 WHERE s2.pay > staff.pay)::int RETURNING id, pay;
SELECT * FROM staff ORDER BY id;
