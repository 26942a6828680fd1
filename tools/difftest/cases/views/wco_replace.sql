-- CREATE OR REPLACE VIEW replaces the check option with the new one (or none)
CREATE TABLE t (a int PRIMARY KEY, b int);
CREATE VIEW v AS SELECT a, b FROM t WHERE b < 100 WITH CASCADED CHECK OPTION;
INSERT INTO v VALUES (1, 500);
SELECT reloptions FROM pg_class WHERE relname = 'v';
CREATE OR REPLACE VIEW v AS SELECT a, b FROM t WHERE b < 100;
INSERT INTO v VALUES (2, 500);
SELECT reloptions FROM pg_class WHERE relname = 'v';
CREATE OR REPLACE VIEW v AS SELECT a, b FROM t WHERE b < 10 WITH LOCAL CHECK OPTION;
INSERT INTO v VALUES (3, 50);
SELECT reloptions FROM pg_class WHERE relname = 'v';
SELECT pg_get_viewdef('v'::regclass);
SELECT * FROM t ORDER BY a;
