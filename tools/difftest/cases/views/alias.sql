-- a view under aliases, column aliases and self-joins
CREATE TABLE t (a int, b text);
INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, 'three');
CREATE VIEW v AS SELECT a, b FROM t;
SELECT x.p, x.q FROM v AS x(p, q) ORDER BY x.p;
SELECT l.a, r.b FROM v l JOIN v r ON r.a = l.a + 1 ORDER BY l.a;
SELECT * FROM v WHERE a = (SELECT max(a) FROM v);
SELECT v.* FROM v WHERE EXISTS (SELECT 1 FROM v v2 WHERE v2.a = v.a + 2);
SELECT a, (SELECT count(*) FROM v i WHERE i.a <= o.a) AS running FROM v o ORDER BY a;
SELECT * FROM v, v;
SELECT v FROM v ORDER BY a;
SELECT x FROM v AS x(p, q, r);
