CREATE TABLE t (g int, v int, a int[]);
INSERT INTO t VALUES (1, 3, '{1,2}'), (1, 1, '{3,4}'), (2, NULL, '{5,6}'), (2, 2, '{7,8}');
\pset null (null)
SELECT g, array_agg(v ORDER BY v) FROM t GROUP BY g ORDER BY g;
SELECT g, array_agg(v ORDER BY v NULLS FIRST) FROM t GROUP BY g ORDER BY g;
SELECT array_agg(a ORDER BY g, v) FROM t;
SELECT array_agg(DISTINCT g ORDER BY g) FROM t;
SELECT array_agg(v ORDER BY v DESC) FILTER (WHERE v IS NOT NULL) FROM t;
SELECT array_agg(v) FROM t WHERE false;
SELECT g, array_length(array_agg(v), 1) FROM t GROUP BY g ORDER BY g;
