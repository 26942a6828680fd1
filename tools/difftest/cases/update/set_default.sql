CREATE TABLE t (id int, v text DEFAULT 'reset');
INSERT INTO t VALUES (1, 'changed');
UPDATE t SET v = DEFAULT;
SELECT * FROM t;
