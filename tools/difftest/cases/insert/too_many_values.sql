CREATE TABLE t (a int, b int);
INSERT INTO t VALUES (1, 2, 3);
INSERT INTO t (a) VALUES (1, 2);
INSERT INTO t (a, b) VALUES (1);
INSERT INTO t (nosuch) VALUES (1);
INSERT INTO t (a, a) VALUES (1, 2);
