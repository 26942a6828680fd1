CREATE TABLE o (id int);
CREATE TABLE i (o_id int, v int);
INSERT INTO o VALUES (1), (2), (3);
INSERT INTO i VALUES (1, 1), (1, 2), (2, 3);
SELECT id, (SELECT count(*) FROM i WHERE i.o_id = o.id GROUP BY o.id) FROM o ORDER BY id;
SELECT id, (SELECT sum(v) + o.id FROM i WHERE i.o_id = o.id) FROM o ORDER BY id;
SELECT id, (SELECT max(o.id + v) FROM i) FROM o ORDER BY id;
SELECT id FROM o WHERE (SELECT count(*) FROM i WHERE i.o_id = o.id HAVING count(*) > 1) IS NOT NULL ORDER BY id;
SELECT (SELECT count(o.id) FROM i LIMIT 1) FROM o;
