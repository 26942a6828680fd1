CREATE TABLE t (a int, b int, c int);
INSERT INTO t VALUES (1, 1, 1), (1, 1, 2), (1, 2, 2), (2, 2, 2);
SELECT DISTINCT a, count(*) FROM t GROUP BY a, b ORDER BY 1, 2;
SELECT a, count(DISTINCT b), count(DISTINCT c), count(DISTINCT (b, c)) FROM t GROUP BY a ORDER BY a;
SELECT count(*) FROM (SELECT DISTINCT a, b FROM t) s;
SELECT a, b FROM t GROUP BY a, b HAVING count(*) > 1 ORDER BY 1, 2;
SELECT a, b, c FROM t GROUP BY a, b, c ORDER BY 1, 2, 3;
SELECT count(*) FROM t GROUP BY DISTINCT ROLLUP (a), ROLLUP (a);
