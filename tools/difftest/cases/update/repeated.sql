CREATE TABLE t (id int PRIMARY KEY, n int);
INSERT INTO t VALUES (1, 0);
UPDATE t SET n = n + 1 WHERE id = 1;
UPDATE t SET n = n + 1 WHERE id = 1;
UPDATE t SET n = n + 1 WHERE id = 1;
UPDATE t SET n = n + 1 WHERE id = 1 RETURNING n;
SELECT count(*) FROM t;
