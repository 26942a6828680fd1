CREATE TABLE t (a int, b int, v text, PRIMARY KEY (a, b));
INSERT INTO t VALUES (1, 1, 'x'), (1, 2, 'y');
INSERT INTO t VALUES (1, 2, 'dup');
INSERT INTO t VALUES (2, NULL, 'n');
SELECT * FROM t ORDER BY a, b;
