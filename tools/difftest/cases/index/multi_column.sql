CREATE TABLE t (a int, b int, c text);
CREATE UNIQUE INDEX t_ab ON t (a, b);
INSERT INTO t VALUES (1, 1, 'x'), (1, 2, 'y'), (2, 1, 'z');
INSERT INTO t VALUES (1, 2, 'dup');
SELECT * FROM t WHERE a = 1 ORDER BY b;
SELECT * FROM t WHERE a = 1 AND b = 2;
