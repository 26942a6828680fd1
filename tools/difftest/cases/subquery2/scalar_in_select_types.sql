CREATE TABLE t (id int, d date, n numeric, b boolean);
INSERT INTO t VALUES (1, '2024-05-01', 1.5, true), (2, '2024-05-03', 2.25, false), (3, NULL, NULL, NULL);
\pset null (null)
SELECT id, (SELECT max(d) FROM t) AS maxd FROM t ORDER BY id;
SELECT id, n - (SELECT avg(n) FROM t) AS dev FROM t ORDER BY id;
SELECT id, (SELECT bool_and(b) FROM t t2 WHERE t2.id <= t.id) FROM t ORDER BY id;
SELECT (SELECT d FROM t WHERE id = 2) + 1 AS next_day;
SELECT (SELECT n FROM t WHERE id = 99) IS NULL AS missing;
SELECT id, (SELECT string_agg(t2.id::text, ',' ORDER BY t2.id) FROM t t2 WHERE t2.id <> t.id) FROM t ORDER BY id;
