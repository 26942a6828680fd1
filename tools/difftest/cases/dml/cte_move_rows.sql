CREATE TABLE queue (id int, payload text);
CREATE TABLE archive (id int, payload text);
INSERT INTO queue VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd');
WITH moved AS (DELETE FROM queue WHERE id % 2 = 0 RETURNING *) INSERT INTO archive SELECT * FROM moved;
SELECT * FROM queue ORDER BY id;
SELECT * FROM archive ORDER BY id;
WITH moved AS (DELETE FROM queue RETURNING id, payload) INSERT INTO archive SELECT id * 10, upper(payload) FROM moved RETURNING *;
SELECT count(*) FROM queue;
SELECT * FROM archive ORDER BY id;
