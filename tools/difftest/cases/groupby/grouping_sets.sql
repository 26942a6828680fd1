CREATE TABLE s (region text, product text, qty int);
INSERT INTO s VALUES ('n', 'apple', 5), ('n', 'pear', 3), ('s', 'apple', 7), ('s', 'apple', 1), ('w', 'fig', 2);

\pset null (null)
SELECT region, product, sum(qty) FROM s GROUP BY GROUPING SETS ((region), (product)) ORDER BY region, product;
SELECT region, product, sum(qty) FROM s GROUP BY GROUPING SETS ((region, product), (region), ()) ORDER BY region, product;
SELECT region, sum(qty), GROUPING(region) AS g FROM s GROUP BY GROUPING SETS ((region), ()) ORDER BY g, region;
SELECT region, product, GROUPING(region, product) AS g, count(*) FROM s GROUP BY GROUPING SETS ((region, product), (product), ()) ORDER BY g, region, product;
SELECT count(*) FROM s GROUP BY GROUPING SETS ((), ());
SELECT region, count(*) FROM s GROUP BY GROUPING SETS (region, region) ORDER BY region;
SELECT region, product, sum(qty) FROM s GROUP BY region, GROUPING SETS ((product), ()) ORDER BY region, product;
SELECT region, sum(qty) FROM s GROUP BY GROUPING SETS ((region), ()) HAVING sum(qty) > 5 ORDER BY region;
SELECT CASE WHEN GROUPING(region) = 1 THEN 'ALL' ELSE region END AS r, sum(qty) FROM s GROUP BY GROUPING SETS ((region), ()) ORDER BY 1;
