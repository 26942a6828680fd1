CREATE TABLE s (id int, grp text, v int, d float8);
INSERT INTO s VALUES (1, 'a', 2, 1.5), (2, 'a', 4, 2.5), (3, 'a', 4, 3.5), (4, 'b', 5, NULL), (5, 'b', 7, 10), (6, 'c', 9, 4);

\pset null (null)
SELECT stddev(v), stddev_samp(v), stddev_pop(v) FROM s;
SELECT variance(v), var_samp(v), var_pop(v) FROM s;
SELECT grp, stddev(v), variance(v) FROM s GROUP BY grp ORDER BY grp;
SELECT stddev(d), var_pop(d) FROM s;
SELECT grp, stddev_samp(d), stddev_pop(d) FROM s GROUP BY grp ORDER BY grp;
SELECT round(stddev(v), 4) AS sd, round(variance(v)::numeric, 4) AS var FROM s;
SELECT stddev(v) FROM s WHERE false;
SELECT pg_typeof(stddev(v)), pg_typeof(stddev(d)), pg_typeof(variance(v::numeric)) FROM s;
