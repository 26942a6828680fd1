CREATE TABLE a (id int, v text);
CREATE TABLE b (id int, v text);
INSERT INTO a VALUES (1, 'p'), (2, 'q'), (3, 'r');
WITH d AS (DELETE FROM a WHERE id < 3 RETURNING *), i AS (INSERT INTO b SELECT id, v || '!' FROM d RETURNING *) SELECT * FROM i ORDER BY id;
SELECT * FROM a ORDER BY id;
SELECT * FROM b ORDER BY id;
WITH src AS (SELECT id FROM b), u AS (UPDATE b SET v = 'upd' WHERE id IN (SELECT id FROM src) RETURNING id) SELECT array_agg(id ORDER BY id) FROM u;
WITH w AS (UPDATE a SET v = v || v RETURNING id, v) SELECT w.v, b.v FROM w, b ORDER BY b.id;
SELECT * FROM a ORDER BY id;
