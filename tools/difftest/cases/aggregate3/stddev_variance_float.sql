CREATE TABLE f (g int, x float8, r real);
INSERT INTO f VALUES (1, 0.1, 0.1), (1, 0.2, 0.2), (1, 0.3, 0.3), (2, 1e8, 1e8), (2, 1e8 + 1, 1e8), (2, 1e8 + 2, 3), (3, 42, 42);
\pset null (null)
SELECT g, stddev(x), variance(x), stddev_pop(x), var_pop(x) FROM f GROUP BY g ORDER BY g;
SELECT g, stddev_samp(r), var_samp(r) FROM f GROUP BY g ORDER BY g;
SELECT stddev(x), variance(x), avg(x) FROM f;
SELECT var_samp(x) = covar_samp(x, x), var_pop(x) = covar_pop(x, x), var_pop(x) = regr_sxx(x, x) / regr_count(x, x) FROM f;
SELECT stddev('Infinity'::float8), variance(x) FROM (VALUES (1::float8), ('NaN')) v(x);
