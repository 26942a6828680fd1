CREATE TABLE s (year int, region text, product text, qty int);
INSERT INTO s VALUES (2020, 'n', 'apple', 5), (2020, 's', 'pear', 3), (2021, 'n', 'apple', 7), (2021, 'n', 'fig', 1), (2021, 's', 'fig', 2);

\pset null (null)
SELECT year, region, sum(qty) FROM s GROUP BY ROLLUP (year, region) ORDER BY year, region;
SELECT year, region, sum(qty), GROUPING(year, region) FROM s GROUP BY ROLLUP (year, region) ORDER BY 4, 1, 2;
SELECT region, product, sum(qty) FROM s GROUP BY CUBE (region, product) ORDER BY region, product;
SELECT region, product, count(*), GROUPING(region) AS gr, GROUPING(product) AS gp FROM s GROUP BY CUBE (region, product) ORDER BY gr, gp, region, product;
SELECT year, region, product, sum(qty) FROM s GROUP BY ROLLUP (year, (region, product)) ORDER BY 1, 2, 3;
SELECT year, region, sum(qty) FROM s GROUP BY year, ROLLUP (region) ORDER BY 1, 2;
SELECT year, sum(qty) FROM s GROUP BY ROLLUP (year) HAVING GROUPING(year) = 1;
SELECT region, string_agg(product, ',' ORDER BY product) FROM s GROUP BY ROLLUP (region) ORDER BY region;
SELECT year, region, sum(qty) FROM s GROUP BY CUBE (year, region) HAVING sum(qty) > 5 ORDER BY 1, 2;
