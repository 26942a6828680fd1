CREATE TABLE xy (g int, x float8, y float8);
INSERT INTO xy VALUES (1, 0.1, 0.3), (1, 0.7, 1.1), (1, 1.3, 2.9), (1, 2.9, 4.1), (1, 3.3, 7.7), (2, 1e10, 3), (2, 1e10 + 1, 5), (2, 1e10 + 3, 4), (3, 5, NULL), (3, NULL, 6), (3, 2, 2);
\pset null (null)
SELECT g, corr(y, x), covar_pop(y, x), covar_samp(y, x) FROM xy GROUP BY g ORDER BY g;
SELECT corr(y, x), corr(x, y), covar_pop(x, y), covar_samp(x, y) FROM xy;
SELECT corr(y, x), covar_pop(y, x), covar_samp(y, x) FROM xy WHERE g = 3;
SELECT corr(x, x), covar_samp(x, x) = var_samp(x) FROM xy WHERE g = 1;
SELECT corr(1, x), corr(y, 2) FROM xy;
SELECT corr(i, i * i) FROM generate_series(1, 7) i;
SELECT covar_pop(y, x) FROM xy WHERE false;
