-- replacing a view that other views read
CREATE TABLE t (a int, b int);
INSERT INTO t VALUES (1, 10), (2, 20);
CREATE VIEW base AS SELECT a FROM t;
CREATE VIEW top AS SELECT a * 100 AS h FROM base;
SELECT * FROM top ORDER BY h;
CREATE OR REPLACE VIEW base AS SELECT a + 1 AS a, b FROM t;
SELECT * FROM top ORDER BY h;
SELECT * FROM base ORDER BY a;
CREATE OR REPLACE VIEW base AS SELECT b FROM t;
DROP VIEW base;
DROP VIEW base, top;
SELECT count(*) FROM pg_class WHERE relname IN ('base', 'top');
