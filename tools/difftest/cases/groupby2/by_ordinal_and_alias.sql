CREATE TABLE t (a int, b text);
INSERT INTO t VALUES (1, 'x'), (1, 'y'), (2, 'x'), (3, 'x');
SELECT b, count(*) FROM t GROUP BY 1 ORDER BY 1;
SELECT b AS k, sum(a) FROM t GROUP BY k ORDER BY k;
SELECT a * 10 AS ten, count(*) FROM t GROUP BY ten ORDER BY ten DESC;
SELECT b, a FROM t GROUP BY 2, 1 ORDER BY 1, 2;
SELECT a AS b, count(*) FROM t GROUP BY b ORDER BY 1;
SELECT b AS a, count(*) FROM t GROUP BY a ORDER BY 1;
