CREATE TABLE t (a int, b text, UNIQUE (a, b));
INSERT INTO t VALUES (1, 'x'), (1, 'y'), (2, 'x');
INSERT INTO t VALUES (1, 'x');
SELECT count(*) FROM t;
