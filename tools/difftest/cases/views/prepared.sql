-- a prepared statement over a view sees CREATE OR REPLACE VIEW
CREATE TABLE t (a int, b text);
INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, 'three');
CREATE VIEW v AS SELECT a, b FROM t WHERE a < 3;
PREPARE p(int) AS SELECT b FROM v WHERE a = $1;
EXECUTE p(1);
EXECUTE p(3);
CREATE OR REPLACE VIEW v AS SELECT a, b FROM t WHERE a > 1;
EXECUTE p(1);
EXECUTE p(3);
SELECT * FROM v ORDER BY a;
DEALLOCATE p;
