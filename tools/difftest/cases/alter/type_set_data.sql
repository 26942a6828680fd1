CREATE TABLE t (a int, b numeric(10,2));
INSERT INTO t VALUES (1, 1.25), (2, 2.75);
ALTER TABLE t ALTER b SET DATA TYPE int;
SELECT * FROM t ORDER BY a;
ALTER TABLE t ALTER COLUMN a TYPE text;
SELECT a || 'x' FROM t ORDER BY a;
ALTER TABLE t ALTER COLUMN a TYPE varchar(3), ALTER COLUMN b TYPE numeric(6,1);
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 't'::regclass AND attnum > 0 ORDER BY attnum;
SELECT * FROM t ORDER BY a;
