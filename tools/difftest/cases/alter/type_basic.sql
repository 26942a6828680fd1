CREATE TABLE t (a int PRIMARY KEY, b text, c int);
INSERT INTO t VALUES (1, '10', 5), (2, '20', 6), (3, NULL, 7);
ALTER TABLE t ALTER COLUMN c TYPE bigint;
ALTER TABLE t ALTER COLUMN b TYPE int USING b::int;
SELECT a, b, c, pg_typeof(b), pg_typeof(c) FROM t ORDER BY a;
SELECT attname, format_type(atttypid, atttypmod), attlen, attbyval FROM pg_attribute WHERE attrelid = 't'::regclass AND attnum > 0 ORDER BY attnum;
INSERT INTO t VALUES (4, 40, 8);
SELECT sum(b), sum(c) FROM t;
