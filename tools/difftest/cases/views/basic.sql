-- CREATE VIEW: the query is stored, * expanded at creation time
CREATE TABLE t (a int PRIMARY KEY, b text, c int);
INSERT INTO t VALUES (1, 'one', 10), (2, 'two', 20), (3, 'three', NULL);
CREATE VIEW v AS SELECT * FROM t WHERE a > 1;
SELECT * FROM v ORDER BY a;
SELECT b FROM v WHERE c IS NULL;
ALTER TABLE t ADD COLUMN d int DEFAULT 7;
SELECT * FROM v ORDER BY a;
CREATE VIEW v2 (x, y) AS SELECT a, b FROM t;
SELECT x, y FROM v2 ORDER BY x;
SELECT v.a, v2.y FROM v JOIN v2 ON v.a = v2.x ORDER BY 1;
SELECT count(*) FROM v;
CREATE VIEW v3 AS SELECT count(*) AS n, max(a) FROM v;
SELECT * FROM v3;
SELECT relkind, relhasrules, relnatts FROM pg_class WHERE relname = 'v';
SELECT attname, attnum, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'v'::regclass ORDER BY attnum;
SELECT rulename, ev_type, is_instead FROM pg_rewrite WHERE ev_class = 'v'::regclass;
