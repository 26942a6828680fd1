CREATE TABLE t (a int, b int);
\pset null (null)
SELECT a, count(*) FROM t GROUP BY ROLLUP (a);
SELECT a, b, count(*) FROM t GROUP BY CUBE (a, b);
SELECT count(*) FROM t GROUP BY GROUPING SETS ((), (a));
SELECT a, sum(b) FROM t GROUP BY GROUPING SETS ((a));
SELECT count(*) FROM t GROUP BY ();
