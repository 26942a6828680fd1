CREATE TABLE t (id int, v text);
INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c');
DELETE FROM t WHERE id > 1 RETURNING *;
DELETE FROM t WHERE id = 42 RETURNING id;
DELETE FROM t RETURNING v, id + 100 AS shifted;
