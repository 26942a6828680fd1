CREATE TABLE src (id int, v text);
CREATE TABLE dst (id int, v text, n bigint);
INSERT INTO src VALUES (1, 'x'), (2, 'y'), (3, 'x');
INSERT INTO dst SELECT id, v, (SELECT count(*) FROM src s2 WHERE s2.v = s.v) FROM src s WHERE id IN (SELECT min(id) FROM src GROUP BY v);
SELECT * FROM dst ORDER BY id;
INSERT INTO dst VALUES ((SELECT max(id) + 1 FROM dst), (SELECT v FROM src WHERE id = 2), 0);
SELECT * FROM dst ORDER BY id;
INSERT INTO dst SELECT * FROM (SELECT 9, 'z', 9::bigint) s RETURNING *;
SELECT count(*) FROM dst;
