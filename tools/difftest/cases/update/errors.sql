CREATE TABLE t (a int NOT NULL, b text);
INSERT INTO t VALUES (1, 'x');
UPDATE t SET nosuch = 1;
UPDATE t SET a = NULL;
UPDATE t SET a = 'abc';
UPDATE t SET b = 1 WHERE nosuch = 1;
UPDATE nosuch SET a = 1;
SELECT * FROM t;
