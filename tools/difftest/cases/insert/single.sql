CREATE TABLE t (a int, b text);
INSERT INTO t VALUES (1, 'one');
INSERT INTO t (b, a) VALUES ('two', 2);
SELECT * FROM t ORDER BY a;
