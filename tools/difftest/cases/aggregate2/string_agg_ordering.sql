CREATE TABLE t (g int, s text, k int);
INSERT INTO t VALUES (1, 'b', 2), (1, 'a', 3), (1, 'c', 1), (2, 'x', 1), (2, NULL, 2), (3, NULL, 1);
\pset null (null)
SELECT g, string_agg(s, ',' ORDER BY s) FROM t GROUP BY g ORDER BY g;
SELECT g, string_agg(s, ',' ORDER BY k DESC) FROM t GROUP BY g ORDER BY g;
SELECT g, string_agg(DISTINCT s, '|' ORDER BY s) FROM t GROUP BY g ORDER BY g;
SELECT string_agg(s || ':' || k, '; ' ORDER BY g, k) FROM t;
SELECT g, string_agg(coalesce(s, '?'), '' ORDER BY k) FROM t GROUP BY g ORDER BY g;
SELECT string_agg(s, NULL ORDER BY s) FROM t;
