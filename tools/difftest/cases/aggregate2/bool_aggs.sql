CREATE TABLE t (g text, ok boolean);
INSERT INTO t VALUES ('a', true), ('a', true), ('b', true), ('b', false), ('c', NULL), ('c', false), ('d', NULL);
\pset null (null)
SELECT g, bool_and(ok), bool_or(ok), every(ok) FROM t GROUP BY g ORDER BY g;
SELECT bool_and(ok), bool_or(ok) FROM t;
SELECT bool_and(ok) FROM t WHERE false;
SELECT g, count(*) FILTER (WHERE ok), count(*) FILTER (WHERE NOT ok), count(*) FILTER (WHERE ok IS NULL) FROM t GROUP BY g ORDER BY g;
SELECT bool_or(g > 'c') FROM t;
