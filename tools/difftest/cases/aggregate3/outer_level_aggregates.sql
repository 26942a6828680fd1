CREATE TABLE o (id int, w int);
CREATE TABLE i (o_id int, v int);
INSERT INTO o VALUES (1, 10), (2, 20), (3, 30);
INSERT INTO i VALUES (1, 1), (1, 2), (2, 3);
\pset null (null)
SELECT (SELECT sum(o.w)) FROM o;
SELECT (SELECT sum(o.w) FROM i WHERE i.v = 1) FROM o;
SELECT (SELECT max(o.id) + count(*) FROM i) FROM o;
SELECT (SELECT count(o.w) FROM i LIMIT 1), count(*) FROM o;
SELECT (SELECT i.v FROM i WHERE i.v = min(o.id)) FROM o;
SELECT id, (SELECT array_agg(o.w ORDER BY o.w DESC)) FROM o GROUP BY id ORDER BY id;
SELECT o.id % 2 AS k, (SELECT sum(o.w) + min(i.v) FROM i) FROM o GROUP BY 1 ORDER BY 1;
SELECT (SELECT (SELECT avg(o.w))) FROM o;
SELECT id FROM o GROUP BY id HAVING (SELECT sum(o.w)) > 15 ORDER BY id;
