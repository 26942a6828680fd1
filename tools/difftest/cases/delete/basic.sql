CREATE TABLE t (id int, v text);
INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c');
DELETE FROM t WHERE id = 2;
SELECT * FROM t ORDER BY id;
DELETE FROM t;
SELECT count(*) FROM t;
