CREATE TABLE t (g text, v int);
INSERT INTO t VALUES ('a', 1), ('a', 2), ('b', 3), ('c', 4), ('c', 5);
WITH s AS (SELECT g, sum(v) AS total FROM t GROUP BY g) SELECT s1.g, s2.g FROM s s1 JOIN s s2 ON s1.total < s2.total ORDER BY 1, 2;
WITH s AS (SELECT g, sum(v) AS total FROM t GROUP BY g) SELECT g, total, total * 100 / (SELECT sum(total) FROM s) AS pct FROM s ORDER BY g;
WITH s AS (SELECT g, count(*) AS n FROM t GROUP BY g) SELECT g FROM s WHERE n = (SELECT max(n) FROM s) ORDER BY g;
WITH s AS MATERIALIZED (SELECT v FROM t) SELECT count(*), (SELECT sum(v) FROM s) FROM s;
WITH s AS NOT MATERIALIZED (SELECT v FROM t WHERE v > 2) SELECT a.v, b.v FROM s a, s b WHERE a.v + 1 = b.v ORDER BY 1;
