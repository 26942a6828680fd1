CREATE TABLE t (a int, b text);
INSERT INTO t VALUES (NULL, NULL), (1, NULL), (NULL, 'x');
SELECT * FROM t ORDER BY a NULLS FIRST, b;
SELECT count(*), count(a), count(b) FROM t;
