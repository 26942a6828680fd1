-- unqualified system columns with several tables in FROM
CREATE TABLE t (a int);
CREATE TABLE u (b int);
INSERT INTO t VALUES (1);
INSERT INTO u VALUES (2);
SELECT ctid FROM t, u;
SELECT xmin FROM t JOIN u ON true;
SELECT t.ctid, u.ctid FROM t, u;
SELECT ctid FROM t, (SELECT 1 AS x) s;
SELECT ctid FROM t, generate_series(1, 2) g ORDER BY g;
SELECT (SELECT ctid) FROM t;
SELECT a FROM t WHERE (SELECT ctid) = '(0,1)';
SELECT ctid FROM (VALUES (1)) v(x);
SELECT tableoid FROM (VALUES (1)) v(x);
SELECT t.ctid FROM t AS x;
SELECT x.ctid FROM t AS x;
