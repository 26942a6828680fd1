CREATE TABLE t (s text);
INSERT INTO t VALUES ('b'), ('B'), ('a'), ('A'), ('_'), ('1'), ('ä'), ('');
SELECT s FROM t ORDER BY s;
SELECT s FROM t ORDER BY s DESC;
