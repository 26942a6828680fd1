CREATE TABLE t (id int PRIMARY KEY);
INSERT INTO t VALUES (1), (2), (1);
SELECT count(*) FROM t;
INSERT INTO t SELECT 7 FROM generate_series(1, 2);
SELECT count(*) FROM t;
