CREATE TABLE t (id int, v int);
INSERT INTO t SELECT g, g % 3 FROM generate_series(1, 9) g;
UPDATE t SET v = -1 WHERE v = 0 AND id > 3;
SELECT * FROM t ORDER BY id;
UPDATE t SET v = 100 WHERE id IN (1, 2) OR v IS NULL;
SELECT * FROM t ORDER BY id;
