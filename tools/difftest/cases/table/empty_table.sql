CREATE TABLE t (a int, b text);
SELECT * FROM t;
SELECT count(*) FROM t;
SELECT a FROM t WHERE a > 0;
