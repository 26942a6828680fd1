CREATE TABLE t (v int);
INSERT INTO t VALUES (2147483647), (1);
SELECT sum(v) FROM t;
SELECT pg_typeof(sum(v)) FROM t;
SELECT sum(v)::int FROM t;
SELECT max(v) + 1 FROM t;
SELECT avg(v) FROM t;
SELECT sum(v::bigint * 1000000000000) FROM t;
