CREATE TABLE sales (region text, product text, yr int, qty int, amt numeric(8,2));
INSERT INTO sales VALUES ('n', 'pen', 2023, 3, 4.50), ('n', 'ink', 2023, 1, 9.99), ('n', 'pen', 2024, 5, 7.50), ('s', 'pen', 2024, 2, 3.00), ('s', 'pad', 2023, 4, 8.00), ('s', 'pad', 2024, NULL, NULL), (NULL, 'ink', 2024, 1, 9.99);
\pset null (null)

SELECT region, yr, sum(qty), grouping(region) AS gr, grouping(yr) AS gy FROM sales GROUP BY CUBE (region, yr) ORDER BY gr, gy, region NULLS LAST, yr NULLS LAST;
SELECT CASE WHEN grouping(product) = 1 THEN 'ALL' ELSE product END AS product, count(*) FROM sales GROUP BY CUBE (product) ORDER BY 1;
SELECT count(*) FROM (SELECT 1 FROM sales GROUP BY CUBE (region, product, yr)) x;
SELECT g, count(*) FROM (SELECT grouping(region, product, yr) AS g FROM sales GROUP BY CUBE (region, product, yr)) x GROUP BY g ORDER BY g;
SELECT region, product FROM sales GROUP BY CUBE (region, product) HAVING grouping(region) = 0 AND grouping(product) = 1 ORDER BY 1 NULLS LAST;
