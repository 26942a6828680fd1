CREATE TABLE t (i int, bi bigint, n numeric, f float8, s smallint);
INSERT INTO t VALUES (1, 10000000000, 1.10, 0.5, 1), (2, 20000000000, 2.20, 0.25, 2), (4, 30000000000, 3.30, 0.125, 3);
SELECT sum(i), sum(bi), sum(n), sum(f), sum(s) FROM t;
SELECT avg(i), avg(bi), avg(n), avg(f), avg(s) FROM t;
SELECT pg_typeof(sum(i)), pg_typeof(sum(bi)), pg_typeof(sum(n)), pg_typeof(sum(f)), pg_typeof(sum(s)) FROM t;
SELECT pg_typeof(avg(i)), pg_typeof(avg(f)), pg_typeof(avg(n)) FROM t;
SELECT sum(i) FROM t WHERE false;
SELECT avg(n) FROM t WHERE i > 100;
SELECT sum(i::numeric / 3) FROM t;
