CREATE TABLE z (x float8, y float8, i int, n numeric);
INSERT INTO z VALUES (1, 5, 1, 1.5), (2, 5, 2, 2.5), (3, 5, 3, 3.5), (NULL, 1, 4, NULL);
\pset null (null)
SELECT corr(y, x), regr_r2(y, x), regr_slope(y, x), regr_intercept(y, x) FROM z;
SELECT corr(x, y), regr_r2(x, y), regr_slope(x, y), regr_intercept(x, y) FROM z;
SELECT regr_count(y, x), regr_count(x, y), regr_count(i, n) FROM z;
SELECT corr(i, n), regr_slope(i, n), covar_pop(n, i) FROM z;
SELECT corr(y, x), covar_samp(y, x), regr_sxx(y, x) FROM z WHERE x = 1;
SELECT corr(y, x), covar_pop(y, x) FROM (VALUES ('Infinity'::float8, 1::float8), (1, 2)) v(x, y);
SELECT regr_sxx(y, x), regr_syy(y, x) FROM (VALUES ('NaN'::float8, 1::float8), (1, 2)) v(x, y);
SELECT corr('1e200'::float8 * x, x) FROM (VALUES (1::float8), (2), (1e150)) v(x);
