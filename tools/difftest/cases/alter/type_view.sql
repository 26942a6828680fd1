CREATE TABLE t (a int, b text, c int);
CREATE VIEW v AS SELECT a, b FROM t;
CREATE MATERIALIZED VIEW mv AS SELECT c FROM t;
ALTER TABLE t ALTER COLUMN b TYPE varchar(20);
ALTER TABLE t ALTER COLUMN c TYPE bigint;
ALTER TABLE t ALTER COLUMN a TYPE bigint;
DROP VIEW v;
ALTER TABLE t ALTER COLUMN a TYPE bigint;
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 't'::regclass AND attnum > 0 ORDER BY attnum;
