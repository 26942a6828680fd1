-- CREATE OR REPLACE VIEW: columns may be added at the end, never dropped, renamed or retyped
CREATE TABLE t (a int, b text, c numeric(5,2));
INSERT INTO t VALUES (1, 'x', 1.5), (2, 'y', 2.25);
CREATE VIEW v AS SELECT a, b FROM t;
CREATE VIEW v AS SELECT a FROM t;
CREATE OR REPLACE VIEW v AS SELECT a FROM t;
CREATE OR REPLACE VIEW v AS SELECT b, a FROM t;
CREATE OR REPLACE VIEW v AS SELECT a, b::varchar AS b FROM t;
CREATE OR REPLACE VIEW v AS SELECT a, b, c FROM t;
SELECT * FROM v ORDER BY a;
CREATE OR REPLACE VIEW v AS SELECT a * 10 AS a, upper(b) AS b, c FROM t WHERE a > 1;
SELECT * FROM v ORDER BY a;
SELECT pg_get_viewdef('v'::regclass);
CREATE OR REPLACE VIEW t AS SELECT 1 AS a;
CREATE VIEW w (x, y, z) AS SELECT 1, 2;
CREATE VIEW w (x, x) AS SELECT 1, 2;
CREATE VIEW w AS SELECT 1 AS a, 2 AS a;
SELECT attname FROM pg_attribute WHERE attrelid = 'v'::regclass ORDER BY attnum;
