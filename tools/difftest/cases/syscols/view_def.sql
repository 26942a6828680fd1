-- a view reading system columns of its table, printed back
CREATE TABLE t (a int, b text);
INSERT INTO t VALUES (1, 'x'), (2, 'y');
CREATE VIEW v AS SELECT ctid AS row_id, a, xmax = 0 AS live FROM t;
SELECT * FROM v ORDER BY a;
SELECT pg_get_viewdef('v'::regclass);
CREATE VIEW w AS SELECT t.a FROM t WHERE t.ctid > '(0,1)';
SELECT * FROM w;
SELECT pg_get_viewdef('w'::regclass);
WITH c AS (SELECT ctid AS id, a FROM t) SELECT * FROM c ORDER BY id DESC;
SELECT s.id FROM (SELECT ctid AS id FROM t WHERE a = 2) s;
SELECT a, ctid FROM t GROUP BY a, ctid ORDER BY a;
SELECT DISTINCT ctid FROM t ORDER BY 1;
