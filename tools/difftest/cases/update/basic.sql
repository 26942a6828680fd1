CREATE TABLE t (id int, v int);
INSERT INTO t VALUES (1, 10), (2, 20), (3, 30);
UPDATE t SET v = v + 1 WHERE id = 2;
SELECT * FROM t ORDER BY id;
UPDATE t SET v = 0;
SELECT * FROM t ORDER BY id;
