CREATE TABLE t (a int, b int, c text);
INSERT INTO t VALUES (1, 2, 'x');
UPDATE t SET a = b, b = a, c = c || c;
SELECT * FROM t;
UPDATE t SET (a, b) = (10, 20);
SELECT * FROM t;
