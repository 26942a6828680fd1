CREATE TABLE t (g int, v int);
INSERT INTO t VALUES (1, 1), (1, 2), (2, 3), (2, 4), (2, 5);
SELECT g, sum(v) * 100 / (SELECT sum(v) FROM t) AS pct FROM t GROUP BY g ORDER BY g;
SELECT max(s) FROM (SELECT g, sum(v) AS s FROM t GROUP BY g) x;
SELECT g, sum(v) - avg(v) FROM t GROUP BY g ORDER BY g;
SELECT g, count(*) * 2 + max(v) AS score FROM t GROUP BY g ORDER BY score DESC;
SELECT coalesce(sum(v), 0) + coalesce(max(v), 0) FROM t WHERE v > 100;
SELECT g, CASE WHEN count(*) > 2 THEN 'many' ELSE 'few' END FROM t GROUP BY g ORDER BY g;
