CREATE TABLE t (n numeric, f float8, b boolean);
INSERT INTO t VALUES (1.10, 1.5, true), (1.1, -0.5, false), (-2, 'NaN', NULL), (10, 'Infinity', true);
SELECT n FROM t ORDER BY n, f;
SELECT f FROM t ORDER BY f;
SELECT b FROM t ORDER BY b;
