CREATE TABLE t (i int, n numeric);
INSERT INTO t VALUES (2, 1.5), (4, 2.5), (4, 3.5), (5, 4.5), (5, 5.5), (7, 6.5), (9, 7.5);
SELECT stddev(i), stddev_samp(n), stddev_pop(i), variance(n), var_pop(i) FROM t;
SELECT pg_typeof(stddev(i)), pg_typeof(variance(n)) FROM t;
SELECT stddev(i) FROM t WHERE i = 2;
SELECT var_pop(i) FROM t WHERE i = 2;
SELECT round(stddev(n), 3) FROM t WHERE i > 4;
