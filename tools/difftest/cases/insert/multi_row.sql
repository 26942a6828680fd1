CREATE TABLE t (a int, b text);
INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c');
SELECT * FROM t ORDER BY a;
INSERT INTO t VALUES (4, 'd'), (5);
SELECT count(*) FROM t;
