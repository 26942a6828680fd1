CREATE TABLE t (a int);
INSERT INTO t SELECT generate_series(1, 500);
DELETE FROM t WHERE a % 2 = 0;
SELECT count(*), sum(a) FROM t;
DELETE FROM t WHERE a > 10;
SELECT a FROM t ORDER BY a;
