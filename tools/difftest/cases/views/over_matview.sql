-- views over materialized views and materialized views over views
CREATE TABLE t (a int, b int);
INSERT INTO t SELECT g, g * g FROM generate_series(1, 10) g;
CREATE VIEW odd AS SELECT a, b FROM t WHERE a % 2 = 1;
CREATE MATERIALIZED VIEW mv AS SELECT a, b FROM odd WHERE b > 10;
CREATE VIEW small AS SELECT a FROM mv WHERE b < 50;
SELECT * FROM mv ORDER BY a;
SELECT * FROM small ORDER BY a;
INSERT INTO t VALUES (11, 121);
SELECT count(*) FROM mv;
REFRESH MATERIALIZED VIEW mv;
SELECT count(*) FROM mv;
SELECT pg_get_viewdef('mv'::regclass);
SELECT pg_get_viewdef('small'::regclass);
DROP VIEW odd;
DROP VIEW odd CASCADE;
SELECT relname FROM pg_class WHERE relname IN ('odd', 'mv', 'small') ORDER BY 1;
