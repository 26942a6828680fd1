CREATE TABLE t (id int PRIMARY KEY, v text);
INSERT INTO t VALUES (1, 'a'), (2, 'b');
UPDATE t SET id = 1 WHERE id = 2;
UPDATE t SET id = id + 10;
SELECT * FROM t ORDER BY id;
