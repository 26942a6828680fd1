CREATE TABLE t (g int, v int);
INSERT INTO t VALUES (1, 5), (1, 7), (2, 1), (3, 4), (3, 4);
SELECT g FROM t GROUP BY g HAVING sum(v) = (SELECT max(s) FROM (SELECT sum(v) AS s FROM t GROUP BY g) x) ORDER BY g;
SELECT n, count(*) FROM (SELECT g, count(*) AS n FROM t GROUP BY g) x GROUP BY n ORDER BY n;
SELECT g, (SELECT count(*) FROM t t2 WHERE t2.g = t.g) FROM t GROUP BY g ORDER BY g;
SELECT g, sum(v), (SELECT sum(v) FROM t) AS total FROM t GROUP BY g ORDER BY g;
SELECT g FROM t WHERE v IN (SELECT max(v) FROM t GROUP BY g) GROUP BY g ORDER BY g;
