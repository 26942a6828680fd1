CREATE TABLE sales (id int, region text, amount int);
INSERT INTO sales VALUES (1, 'n', 10), (2, 'n', 30), (3, 's', 20), (4, 's', 5), (5, 'w', 50);

SELECT region, total FROM (SELECT region, sum(amount) AS total FROM sales GROUP BY region) s WHERE total > 20 ORDER BY region;
SELECT s.* FROM (SELECT region, count(*) AS n FROM sales GROUP BY region) AS s ORDER BY s.n DESC, s.region;
SELECT avg(total) FROM (SELECT sum(amount) AS total FROM sales GROUP BY region) t;
SELECT x.a, x.b FROM (SELECT id, amount FROM sales) AS x(a, b) ORDER BY x.a DESC LIMIT 2;
SELECT * FROM (SELECT * FROM (SELECT id, amount * 2 AS dbl FROM sales) i WHERE dbl > 20) o ORDER BY id;
SELECT * FROM (SELECT region FROM sales) s1 JOIN (SELECT region, max(amount) AS m FROM sales GROUP BY region) s2 USING (region) ORDER BY region, m;
SELECT * FROM (SELECT 1 AS a, 2 AS a) s;
SELECT a FROM (SELECT 1 AS a, 2 AS a) s;
SELECT * FROM (SELECT id FROM sales);
SELECT * FROM (SELECT id FROM sales) s(a, b);
