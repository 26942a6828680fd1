CREATE TABLE t (g text, v int);
INSERT INTO t VALUES ('a', 3), ('b', 1), ('b', 1), ('c', 2), ('c', 9);
SELECT g FROM t GROUP BY g ORDER BY count(*) DESC, g;
SELECT g FROM t GROUP BY g ORDER BY max(v), g;
SELECT g FROM t GROUP BY g ORDER BY sum(v) DESC LIMIT 1;
SELECT g, count(*) FROM t GROUP BY g ORDER BY avg(v) NULLS FIRST, g;
SELECT g FROM t GROUP BY g HAVING min(v) < 3 ORDER BY max(v) - min(v), g;
