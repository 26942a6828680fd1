CREATE TABLE t (i int, n numeric, t text, b boolean);
INSERT INTO t VALUES ('42', '1.50', 7, 'yes');
INSERT INTO t VALUES (1.6, 2, 'x', 't');
SELECT * FROM t ORDER BY i;
INSERT INTO t (i) VALUES ('abc');
INSERT INTO t (b) VALUES ('maybe');
