WITH t(a, b) AS (VALUES (1, 'x'), (2, 'y')) SELECT b, a FROM t ORDER BY a;
WITH t(a) AS (SELECT 1, 2) SELECT * FROM t;
WITH t(a, b, c) AS (SELECT 1, 2) SELECT * FROM t;
WITH t(x) AS (SELECT generate_series(1, 3)) SELECT sum(x) FROM t;
WITH t AS (SELECT 1 AS a, 2 AS a) SELECT * FROM t;
WITH t AS (SELECT 1 AS a, 2 AS a) SELECT a FROM t;
