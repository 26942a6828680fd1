CREATE TABLE edges (a int, b int);
INSERT INTO edges VALUES (1, 2), (2, 3), (3, 1), (3, 4), (4, 4), (5, 6);
WITH RECURSIVE r(n) AS (SELECT 1 UNION SELECT e.b FROM edges e JOIN r ON e.a = r.n) SELECT n FROM r ORDER BY n;
WITH RECURSIVE r(n) AS (SELECT 5 UNION SELECT e.b FROM edges e JOIN r ON e.a = r.n) SELECT n FROM r ORDER BY n;
WITH RECURSIVE r(n) AS (VALUES (4) UNION SELECT e.b FROM edges e, r WHERE e.a = r.n) SELECT n FROM r ORDER BY n;
WITH RECURSIVE r(n, d) AS (SELECT 1, 0 UNION ALL SELECT e.b, r.d + 1 FROM edges e JOIN r ON e.a = r.n WHERE r.d < 5) SELECT n, min(d) FROM r GROUP BY n ORDER BY n;
WITH RECURSIVE r(n) AS (SELECT 1 UNION SELECT e.b FROM edges e JOIN r ON e.a = r.n) SELECT count(*) FROM r;
