CREATE TABLE sales (region text, product text, yr int, qty int, amt numeric(8,2));
INSERT INTO sales VALUES ('n', 'pen', 2023, 3, 4.50), ('n', 'ink', 2023, 1, 9.99), ('n', 'pen', 2024, 5, 7.50), ('s', 'pen', 2024, 2, 3.00), ('s', 'pad', 2023, 4, 8.00), ('s', 'pad', 2024, NULL, NULL), (NULL, 'ink', 2024, 1, 9.99);
\pset null (null)

SELECT region, product, sum(qty) FROM sales GROUP BY GROUPING SETS ((region), (product)) ORDER BY region NULLS LAST, product NULLS LAST;
SELECT region, product, count(*) FROM sales GROUP BY GROUPING SETS ((region, product), ()) ORDER BY 1 NULLS LAST, 2 NULLS LAST;
SELECT yr, count(*) FROM sales GROUP BY GROUPING SETS ((), (), (yr)) ORDER BY yr NULLS LAST;
SELECT region, yr, sum(amt) FROM sales GROUP BY region, GROUPING SETS ((yr), ()) ORDER BY 1 NULLS LAST, 2 NULLS LAST;
SELECT product, grouping(product), count(*) FROM sales GROUP BY GROUPING SETS (product, ()) ORDER BY 2, 1;
SELECT sum(qty) FROM sales GROUP BY GROUPING SETS (());
