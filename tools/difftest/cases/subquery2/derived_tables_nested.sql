CREATE TABLE s (g int, v int);
INSERT INTO s SELECT i % 3, i FROM generate_series(1, 12) i;
SELECT * FROM (SELECT g, sum(v) AS t FROM s GROUP BY g) x WHERE t > 20 ORDER BY g;
SELECT g, t FROM (SELECT * FROM (SELECT g, sum(v) AS t FROM s GROUP BY g) x) y ORDER BY t DESC;
SELECT max(t) FROM (SELECT g, sum(v) AS t FROM s GROUP BY g) x;
SELECT x.g, x.n, y.n FROM (SELECT g, count(*) AS n FROM s WHERE v < 6 GROUP BY g) x JOIN (SELECT g, count(*) AS n FROM s WHERE v >= 6 GROUP BY g) y USING (g) ORDER BY g;
SELECT a, b FROM (SELECT 1 AS a, 2 AS b UNION ALL SELECT 3, 4) u ORDER BY a;
SELECT * FROM (SELECT v FROM s ORDER BY v DESC LIMIT 3) top ORDER BY v;
SELECT c FROM (SELECT count(*) AS c FROM s WHERE v > 100) z;
