-- view columns: types, typmods, names, and star expansion at creation
CREATE TABLE t (a int, b varchar(10), c numeric(6,2), d timestamp);
CREATE VIEW v AS SELECT *, a + 1 AS a1, b || 'x', c * 2 AS c2, d::date AS day FROM t;
SELECT attname, format_type(atttypid, atttypmod), attnum FROM pg_attribute WHERE attrelid = 'v'::regclass ORDER BY attnum;
INSERT INTO t VALUES (1, 'ab', 1.25, '2024-01-02 03:04:05');
SELECT * FROM v;
ALTER TABLE t ADD COLUMN e int;
SELECT * FROM v;
CREATE VIEW v2 AS SELECT t.* FROM t;
SELECT pg_get_viewdef('v2'::regclass);
CREATE VIEW v3 AS SELECT 'text' AS lit, NULL::int AS n, 1 AS one, 2.5 AS two, true AS yes;
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'v3'::regclass ORDER BY attnum;
SELECT * FROM v3;
SELECT pg_get_viewdef('v3'::regclass);
SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_name = 'v3' ORDER BY ordinal_position;
SELECT table_name, table_type FROM information_schema.tables WHERE table_name IN ('t', 'v') ORDER BY 1;
