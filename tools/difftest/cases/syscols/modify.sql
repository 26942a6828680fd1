-- UPDATE and DELETE by ctid, system columns in WHERE of data-changing statements
CREATE TABLE t (a int, b text);
INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c'), (2, 'dup');
DELETE FROM t WHERE ctid = '(0,4)' RETURNING *;
UPDATE t SET b = upper(b) WHERE ctid = '(0,2)' RETURNING ctid, a, b;
SELECT ctid, * FROM t ORDER BY a;
DELETE FROM t a USING t b WHERE a.a = b.a AND a.ctid < b.ctid;
SELECT count(*) FROM t;
INSERT INTO t VALUES (1, 'again');
DELETE FROM t a WHERE a.ctid <> (SELECT min(b.ctid) FROM t b WHERE b.a = a.a);
SELECT a, b FROM t ORDER BY a;
UPDATE t SET a = a + 10 WHERE xmin = xmin AND cmin = 0 RETURNING a;
WITH d AS (DELETE FROM t WHERE a = 11 RETURNING ctid AS gone, a) SELECT * FROM d;
SELECT ctid, a FROM t ORDER BY a;
