CREATE TABLE t (a int, b text);
INSERT INTO t VALUES (1, 'x'), (2, 'y');
SELECT * FROM (SELECT a, b FROM t) AS s(p, q) ORDER BY p;
SELECT p FROM (SELECT a, b FROM t) AS s(p) ORDER BY p;
SELECT s.q FROM (SELECT a, b FROM t) s(p, q) WHERE s.p = 2;
SELECT * FROM (VALUES (1, 'one'), (2, 'two')) AS v(n, w) ORDER BY n DESC;
SELECT * FROM (SELECT a, a * 2 AS a2, b FROM t) AS s(x) ORDER BY x;
SELECT * FROM (SELECT a, a * 2, upper(b) FROM t) AS s ORDER BY 1;
SELECT * FROM (SELECT 1) AS s(x), (SELECT 2) AS r(y);
