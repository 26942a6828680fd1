-- materialized views have system columns; plain views do not
CREATE TABLE t (a int);
INSERT INTO t VALUES (1), (2);
CREATE MATERIALIZED VIEW mv AS SELECT a * 10 AS b FROM t;
SELECT ctid, b FROM mv ORDER BY b;
SELECT mv.cmin = mv.cmax AS same, mv.tableoid = 'mv'::regclass AS is_mv FROM mv ORDER BY b;
CREATE VIEW v AS SELECT a FROM t;
SELECT v.tableoid FROM v;
SELECT ctid FROM v;
CREATE MATERIALIZED VIEW bad AS SELECT a AS xmin FROM t;
CREATE VIEW ok AS SELECT a AS xmin, a AS ctid FROM t;
SELECT * FROM ok ORDER BY xmin;
CREATE TABLE bad2 AS SELECT ctid FROM t;
CREATE TABLE good AS SELECT ctid AS c, a FROM t;
SELECT pg_typeof(c), a FROM good ORDER BY a;
