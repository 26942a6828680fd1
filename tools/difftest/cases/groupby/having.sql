CREATE TABLE sales (id int, region text, product text, qty int);
INSERT INTO sales VALUES (1, 'n', 'apple', 5), (2, 'n', 'pear', 3), (3, 's', 'apple', 7), (4, 's', 'apple', 1), (5, 'w', 'fig', 2), (6, NULL, 'fig', 4);

\pset null (null)
SELECT region, sum(qty) FROM sales GROUP BY region ORDER BY region;
SELECT region, sum(qty) FROM sales GROUP BY region HAVING sum(qty) > 4 ORDER BY region;
SELECT region, product, count(*) FROM sales GROUP BY region, product ORDER BY region, product;
SELECT region, count(*) FROM sales GROUP BY 1 ORDER BY 2 DESC, 1;
SELECT upper(region) AS r, sum(qty) FROM sales GROUP BY upper(region) ORDER BY r;
SELECT qty % 2 AS parity, count(*) FROM sales GROUP BY qty % 2 ORDER BY parity;
SELECT product FROM sales GROUP BY product HAVING count(DISTINCT region) > 1 ORDER BY product;
SELECT count(*) FROM sales HAVING count(*) > 3;
SELECT 'x' AS c FROM sales HAVING min(qty) > 100;
SELECT region AS r, sum(qty) AS total FROM sales GROUP BY r ORDER BY total DESC, r;
SELECT id, region, sum(qty) FROM (SELECT * FROM sales) s GROUP BY id ORDER BY id LIMIT 2;
SELECT region FROM sales GROUP BY region HAVING region LIKE '%n%' OR region IS NULL ORDER BY region;
SELECT product, sum(qty) FROM sales GROUP BY product, region ORDER BY 1, 2;
SELECT DISTINCT product, count(*) FROM sales GROUP BY product, region ORDER BY 1, 2;
