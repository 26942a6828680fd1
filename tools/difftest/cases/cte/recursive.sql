CREATE TABLE edge (src int, dst int);
INSERT INTO edge VALUES (1, 2), (2, 3), (3, 4), (2, 5), (5, 1), (6, 7);

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) SELECT i FROM n ORDER BY i;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) SELECT count(*), sum(i) FROM n;
WITH RECURSIVE fib(a, b, k) AS (SELECT 0::bigint, 1::bigint, 1 UNION ALL SELECT b, a + b, k + 1 FROM fib WHERE k < 20) SELECT k, a FROM fib ORDER BY k DESC LIMIT 3;
WITH RECURSIVE reach(node) AS (SELECT 1 UNION SELECT e.dst FROM edge e JOIN reach r ON e.src = r.node) SELECT node FROM reach ORDER BY node;
WITH RECURSIVE reach(node, depth) AS (SELECT 1, 0 UNION ALL SELECT e.dst, r.depth + 1 FROM edge e JOIN reach r ON e.src = r.node WHERE r.depth < 6) SELECT node, min(depth) FROM reach GROUP BY node ORDER BY node;
WITH RECURSIVE path(node, route) AS (SELECT 1, ARRAY[1] UNION ALL SELECT e.dst, p.route || e.dst FROM edge e JOIN path p ON e.src = p.node WHERE NOT e.dst = ANY (p.route)) SELECT node, route FROM path ORDER BY route;
WITH RECURSIVE d(day) AS (SELECT date '2024-01-30' UNION ALL SELECT day + 1 FROM d WHERE day < date '2024-02-02') SELECT day FROM d ORDER BY day;
WITH RECURSIVE s(x) AS (VALUES (1) UNION ALL SELECT x * 2 FROM s WHERE x < 300) SELECT string_agg(x::text, ',' ORDER BY x) FROM s;
WITH RECURSIVE t(n) AS (SELECT 1 UNION SELECT n FROM t) SELECT n FROM t;
WITH RECURSIVE a(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM a WHERE x < 3), b(y) AS (SELECT x * 10 FROM a) SELECT * FROM b ORDER BY y;
