CREATE TABLE obs (s text, t int, v float8);
INSERT INTO obs VALUES ('a', 1, 10), ('a', 2, 12.5), ('a', 3, 11), ('a', 4, 15.25), ('b', 1, 3), ('b', 2, 1), ('b', 3, -2), ('c', 1, 7);
\pset null (null)
SELECT s, regr_slope(v, t), regr_intercept(v, t), corr(v, t) FROM obs GROUP BY s ORDER BY s;
SELECT s, t, regr_slope(v, t) OVER (PARTITION BY s ORDER BY t) FROM obs ORDER BY s, t;
SELECT s, t, covar_samp(v, t) OVER (PARTITION BY s ORDER BY t ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM obs ORDER BY s, t;
SELECT s, regr_count(v, t) FILTER (WHERE v > 2), corr(v, t) FILTER (WHERE t < 4) FROM obs GROUP BY s ORDER BY s;
SELECT s FROM obs GROUP BY s HAVING corr(v, t) > 0 ORDER BY s;
