-- a view depends on the columns it reads, not on the others
CREATE TABLE t (a int, b text, c int, d int);
CREATE VIEW v AS SELECT a, c FROM t WHERE d > 0;
ALTER TABLE t DROP COLUMN b;
ALTER TABLE t DROP COLUMN c;
ALTER TABLE t DROP COLUMN d;
ALTER TABLE t DROP COLUMN c CASCADE;
SELECT relname FROM pg_class WHERE relname = 'v';
CREATE VIEW w AS SELECT a FROM t;
ALTER TABLE t DROP COLUMN d;
SELECT * FROM w;
