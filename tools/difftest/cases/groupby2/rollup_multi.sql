CREATE TABLE sales (region text, product text, yr int, qty int, amt numeric(8,2));
INSERT INTO sales VALUES ('n', 'pen', 2023, 3, 4.50), ('n', 'ink', 2023, 1, 9.99), ('n', 'pen', 2024, 5, 7.50), ('s', 'pen', 2024, 2, 3.00), ('s', 'pad', 2023, 4, 8.00), ('s', 'pad', 2024, NULL, NULL), (NULL, 'ink', 2024, 1, 9.99);
\pset null (null)

SELECT region, product, sum(qty) FROM sales GROUP BY ROLLUP (region, product) ORDER BY region NULLS LAST, product NULLS LAST, grouping(region);
SELECT region, yr, count(*), grouping(region, yr) FROM sales GROUP BY ROLLUP (region, yr) ORDER BY 4, 1 NULLS LAST, 2 NULLS LAST;
SELECT yr, sum(amt) FROM sales GROUP BY ROLLUP (yr) ORDER BY yr NULLS LAST;
SELECT region, product, yr, count(*) FROM sales GROUP BY ROLLUP ((region, product), yr) ORDER BY 1 NULLS LAST, 2 NULLS LAST, 3 NULLS LAST;
SELECT region, sum(qty) FROM sales WHERE region IS NOT NULL GROUP BY ROLLUP (region) HAVING sum(qty) > 5 ORDER BY 1 NULLS LAST;
