-- CHECK constraints: column and table, generated names, 23514 with the failing row
CREATE TABLE t (a int CHECK (a > 0), b int, c text, CHECK (b > a), CHECK (a < 100 AND a <> 50), CONSTRAINT named_c CHECK (c <> ''));
INSERT INTO t VALUES (1, 2, 'x');
INSERT INTO t VALUES (0, 2, 'x');
INSERT INTO t VALUES (5, 2, 'x');
INSERT INTO t VALUES (50, 60, 'x');
INSERT INTO t VALUES (3, 4, '');
INSERT INTO t VALUES (NULL, NULL, NULL);
UPDATE t SET a = -1 WHERE a = 1;
UPDATE t SET b = 10 WHERE a = 1;
SELECT conname, contype, conkey, convalidated, condeferrable FROM pg_constraint WHERE conrelid = 't'::regclass ORDER BY conname;
SELECT * FROM t ORDER BY a;
CREATE TABLE t2 (x int CHECK (x > 0), y int CHECK (y > 0), CHECK (x > 0));
SELECT conname FROM pg_constraint WHERE conrelid = 't2'::regclass ORDER BY conname;
INSERT INTO t2 VALUES (-1, -1);
CREATE TABLE t3 (x int CHECK (x + 1));
CREATE TABLE t4 (x int, CONSTRAINT k CHECK (x > 0), CONSTRAINT k CHECK (x < 9));
SELECT relchecks FROM pg_class WHERE relname = 't';
DROP TABLE t, t2;
