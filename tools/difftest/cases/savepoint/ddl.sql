BEGIN;
CREATE TABLE t (a int);
SAVEPOINT s;
CREATE TABLE u (b int);
ALTER TABLE t ADD COLUMN c int;
ROLLBACK TO s;
COMMIT;
SELECT relname FROM pg_class WHERE relname IN ('t', 'u') ORDER BY relname;
SELECT * FROM t;
