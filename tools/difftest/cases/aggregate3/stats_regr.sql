CREATE TABLE pts (x float8, y float8);
INSERT INTO pts VALUES (1, 2.1), (2, 3.9), (3, 6.2), (4, 7.8), (5, 10.1), (6, 11.7), (7, 14.3);
\pset null (null)
SELECT regr_slope(y, x), regr_intercept(y, x), regr_r2(y, x) FROM pts;
SELECT regr_count(y, x), regr_avgx(y, x), regr_avgy(y, x) FROM pts;
SELECT regr_sxx(y, x), regr_syy(y, x), regr_sxy(y, x) FROM pts;
SELECT regr_slope(x, y), regr_intercept(x, y), regr_r2(x, y) FROM pts;
SELECT regr_count(y, x), regr_slope(y, x) FROM pts WHERE x > 5;
SELECT regr_count(y, x), regr_sxx(y, x), regr_avgx(y, x), regr_slope(y, x) FROM pts WHERE false;
SELECT pg_typeof(regr_count(y, x)), pg_typeof(regr_slope(y, x)) FROM pts;
