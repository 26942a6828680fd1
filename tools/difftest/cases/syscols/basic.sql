-- system columns of a table: not expanded by *, readable by name
CREATE TABLE t (a int PRIMARY KEY, b text);
INSERT INTO t VALUES (1, 'x'), (2, 'y'), (3, 'z');
SELECT * FROM t ORDER BY a;
SELECT ctid, a FROM t ORDER BY a;
SELECT t.ctid, t.cmin, t.cmax, t.tableoid = 't'::regclass AS is_t FROM t ORDER BY a;
SELECT xmin = xmin AS same, xmax = 0 AS no_xmax FROM t ORDER BY a;
SELECT a FROM t WHERE ctid = '(0,2)';
SELECT a FROM t ORDER BY ctid DESC;
SELECT pg_typeof(ctid), pg_typeof(xmin), pg_typeof(cmin), pg_typeof(xmax), pg_typeof(cmax), pg_typeof(tableoid) FROM t LIMIT 1;
SELECT x.ctid FROM t AS x WHERE x.a = 3;
SELECT a, (SELECT count(*) FROM t u WHERE u.ctid < t.ctid) AS before FROM t ORDER BY a;
