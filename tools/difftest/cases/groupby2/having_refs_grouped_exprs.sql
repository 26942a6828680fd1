CREATE TABLE t (name text, v int);
INSERT INTO t VALUES ('Ann', 1), ('ann', 2), ('Bob', 3), ('cy', 4), ('CY', 5);
SELECT lower(name), sum(v) FROM t GROUP BY lower(name) HAVING lower(name) <> 'bob' ORDER BY 1;
SELECT lower(name) AS n, sum(v) FROM t GROUP BY n HAVING sum(v) > 3 ORDER BY n;
SELECT length(name), count(*) FROM t GROUP BY length(name) HAVING length(name) > 2 ORDER BY 1;
SELECT v % 2, max(name) FROM t GROUP BY v % 2 HAVING v % 2 = 1 ORDER BY 1;
SELECT upper(substr(name, 1, 1)) AS initial, count(*) FROM t GROUP BY 1 HAVING count(*) >= 2 ORDER BY 1;
