CREATE TABLE sales (region text, product text, yr int, qty int, amt numeric(8,2));
INSERT INTO sales VALUES ('n', 'pen', 2023, 3, 4.50), ('n', 'ink', 2023, 1, 9.99), ('n', 'pen', 2024, 5, 7.50), ('s', 'pen', 2024, 2, 3.00), ('s', 'pad', 2023, 4, 8.00), ('s', 'pad', 2024, NULL, NULL), (NULL, 'ink', 2024, 1, 9.99);
\pset null (null)

SELECT region, sum(amt) FROM sales GROUP BY region HAVING sum(amt) > 10 AND count(*) >= 2 ORDER BY region;
SELECT product FROM sales GROUP BY product HAVING count(DISTINCT region) > 1 ORDER BY product;
SELECT product, count(*) FROM sales GROUP BY product HAVING bool_or(qty IS NULL) ORDER BY product;
SELECT yr, sum(qty) FROM sales GROUP BY yr HAVING sum(qty) FILTER (WHERE region = 'n') > 3 ORDER BY yr;
SELECT region FROM sales GROUP BY region HAVING region IS NOT NULL AND max(amt) < 9 ORDER BY region;
SELECT product, avg(amt) FROM sales GROUP BY product HAVING avg(amt) > (SELECT avg(amt) FROM sales) ORDER BY product;
