CREATE TABLE t (a int);
INSERT INTO t SELECT g FROM generate_series(1, 1000) g;
SELECT count(*), min(a), max(a), sum(a) FROM t;
