CREATE TABLE t (k text, k2 int, v int);
INSERT INTO t VALUES (NULL, NULL, 1), (NULL, 1, 2), ('a', NULL, 3), ('a', NULL, 4), (NULL, NULL, 5);
\pset null (null)
SELECT k, count(*), sum(v) FROM t GROUP BY k ORDER BY k NULLS FIRST;
SELECT k, k2, count(*) FROM t GROUP BY k, k2 ORDER BY k NULLS FIRST, k2 NULLS FIRST;
SELECT coalesce(k, '-') AS k, count(*) FROM t GROUP BY coalesce(k, '-') ORDER BY 1;
SELECT count(DISTINCT k), count(DISTINCT k2) FROM t;
SELECT DISTINCT k, k2 FROM t ORDER BY k NULLS FIRST, k2 NULLS FIRST;
