CREATE TABLE t (a int, b int);
INSERT INTO t VALUES (1, NULL), (NULL, 2), (NULL, NULL), (3, 4);
SELECT a, b, coalesce(a, b, -1) AS c, greatest(a, b) AS g, least(a, b) AS l, nullif(a, 1) AS n FROM t ORDER BY a NULLS LAST, b NULLS LAST;
