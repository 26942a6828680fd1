CREATE TABLE pts (x float8, y float8);
INSERT INTO pts VALUES (1, 2), (2, 4.1), (3, 5.9), (4, 8.2), (5, 9.8);
SELECT round(corr(y, x)::numeric, 6), round(regr_slope(y, x)::numeric, 6), round(regr_intercept(y, x)::numeric, 6) FROM pts;
SELECT regr_count(y, x), round(regr_r2(y, x)::numeric, 6), round(covar_pop(y, x)::numeric, 6), round(covar_samp(y, x)::numeric, 6) FROM pts;
SELECT regr_avgx(y, x), round(regr_avgy(y, x)::numeric, 6), regr_sxx(y, x) FROM pts;
SELECT round(stddev_pop(y)::numeric, 6), round(var_samp(y)::numeric, 6) FROM pts;
SELECT corr(y, x) FROM pts WHERE x = 1;
SELECT stddev(x), variance(x) FROM pts WHERE x = 1;
