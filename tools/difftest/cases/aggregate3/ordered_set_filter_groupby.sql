CREATE TABLE sales (region text, month int, amount numeric(8,2));
INSERT INTO sales VALUES ('east', 1, 100), ('east', 2, 250), ('east', 3, 175), ('west', 1, 80), ('west', 2, 90), ('west', 3, 400), ('north', 1, 10);
\pset null (null)
SELECT region, percentile_cont(0.5) WITHIN GROUP (ORDER BY amount) FILTER (WHERE month > 1) FROM sales GROUP BY region ORDER BY region;
SELECT region, percentile_disc(0.5) WITHIN GROUP (ORDER BY amount) AS med FROM sales GROUP BY region HAVING percentile_disc(0.5) WITHIN GROUP (ORDER BY amount) > 50 ORDER BY med DESC;
SELECT region, count(*), mode() WITHIN GROUP (ORDER BY month), rank(200) WITHIN GROUP (ORDER BY amount) FROM sales GROUP BY region ORDER BY 4, 1;
SELECT month, percentile_cont(0.5) WITHIN GROUP (ORDER BY amount) FROM sales GROUP BY ROLLUP (month) ORDER BY month;
SELECT region, percentile_cont(month / 4.0) WITHIN GROUP (ORDER BY amount) FROM sales GROUP BY region, month ORDER BY region, month;
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY amount) + sum(amount) FROM sales;
