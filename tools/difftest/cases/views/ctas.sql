-- CREATE TABLE AS
CREATE TABLE t (a int, b text);
INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, 'three');
CREATE TABLE t2 AS SELECT a, b || '!' AS bang FROM t WHERE a > 1;
SELECT * FROM t2 ORDER BY a;
CREATE TABLE t3 (x, y) AS SELECT a, b FROM t;
SELECT * FROM t3 ORDER BY x;
CREATE TABLE t4 AS SELECT * FROM t WITH NO DATA;
SELECT count(*) FROM t4;
INSERT INTO t4 VALUES (5, 'five');
SELECT * FROM t4;
CREATE TABLE t2 AS SELECT 1;
CREATE TABLE IF NOT EXISTS t2 AS SELECT 1;
CREATE TABLE t5 (x, y, z) AS SELECT a, b FROM t;
SELECT relkind FROM pg_class WHERE relname = 't2';
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 't2'::regclass AND attnum > 0 ORDER BY attnum;
