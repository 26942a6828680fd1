-- system columns in RETURNING
CREATE TABLE t (a int PRIMARY KEY, b text);
INSERT INTO t VALUES (1, 'x') RETURNING ctid, a, cmin, xmax;
INSERT INTO t VALUES (2, 'y'), (3, 'z') RETURNING ctid, tableoid = 't'::regclass AS is_t, xmax = 0 AS fresh;
UPDATE t SET b = 'yy' WHERE a = 2 RETURNING ctid, b, xmax = 0 AS x0;
DELETE FROM t WHERE a = 3 RETURNING ctid, a, xmax <> 0 AS deleted;
SELECT ctid, * FROM t ORDER BY a;
INSERT INTO t VALUES (4, (SELECT 'sub')) RETURNING ctid, b;
UPDATE t SET b = 'q' WHERE a = 1 RETURNING ctid, (SELECT count(*) FROM t) AS n;
