CREATE TABLE t (g int, v int);
SELECT g, v, row_number() OVER (PARTITION BY g ORDER BY v) FROM t;
SELECT count(*) OVER () FROM t;
INSERT INTO t VALUES (1, NULL), (1, NULL), (2, 5);
\pset null (null)
SELECT g, v, row_number() OVER (PARTITION BY g ORDER BY v), rank() OVER (PARTITION BY g ORDER BY v) FROM t ORDER BY g, 3;
SELECT g, sum(v) OVER (PARTITION BY g), count(v) OVER (PARTITION BY g) FROM t ORDER BY g;
SELECT g, first_value(v) OVER (PARTITION BY g ORDER BY v NULLS FIRST) FROM t ORDER BY g;
