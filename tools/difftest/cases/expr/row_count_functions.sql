CREATE TABLE t (a int);
INSERT INTO t VALUES (1), (2), (3);
SELECT a, a * a AS sq, a::text || '!' AS bang FROM t ORDER BY a DESC;
