CREATE TABLE sales (region text, yr int, amt numeric);
INSERT INTO sales VALUES ('n', 2023, 10), ('n', 2024, 20), ('s', 2023, 5), ('s', 2024, NULL), ('s', 2024, 7), ('e', 2023, 1);
\pset null (null)
SELECT region, sum(amt) FILTER (WHERE yr = 2023) AS y23, sum(amt) FILTER (WHERE yr = 2024) AS y24 FROM sales GROUP BY region ORDER BY region;
SELECT count(*) FILTER (WHERE amt > 5), avg(amt) FILTER (WHERE region <> 'e') FROM sales;
SELECT region, array_agg(amt ORDER BY amt) FILTER (WHERE amt IS NOT NULL) FROM sales GROUP BY region ORDER BY region;
SELECT region, max(amt) FILTER (WHERE false) FROM sales GROUP BY region ORDER BY region;
SELECT yr, count(DISTINCT region) FILTER (WHERE amt IS NOT NULL) FROM sales GROUP BY yr ORDER BY yr;
SELECT sum(amt) FILTER (WHERE region IN (SELECT 'n')) FROM sales;
