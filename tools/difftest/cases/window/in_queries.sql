CREATE TABLE sales (id int, region text, month int, amount int);
INSERT INTO sales VALUES (1, 'n', 1, 100), (2, 'n', 2, 150), (3, 'n', 3, 120), (4, 's', 1, 80), (5, 's', 2, 80), (6, 's', 3, 200), (7, 'w', 1, 10);

WITH ranked AS (SELECT region, month, amount, rank() OVER (PARTITION BY region ORDER BY amount DESC) AS r FROM sales) SELECT region, month, amount FROM ranked WHERE r = 1 ORDER BY region, month;
SELECT DISTINCT region, sum(amount) OVER (PARTITION BY region) AS total FROM sales ORDER BY region;
SELECT region, month, amount, amount - avg(amount) OVER (PARTITION BY region) AS diff FROM sales WHERE region <> 'w' ORDER BY region, month;
SELECT region, month, sum(amount) OVER (PARTITION BY region ORDER BY month) AS ytd FROM sales ORDER BY region, month LIMIT 4;
SELECT region, count(*) FROM (SELECT region, lag(amount) OVER (PARTITION BY region ORDER BY month) < amount AS grew FROM sales) s WHERE grew GROUP BY region ORDER BY region;
SELECT month, sum(amount) AS m_total, sum(sum(amount)) OVER (ORDER BY month) AS running, rank() OVER (ORDER BY sum(amount) DESC) AS r FROM sales GROUP BY month ORDER BY month;
SELECT id, row_number() OVER (ORDER BY id) FROM sales WHERE id > 4 ORDER BY id;
SELECT region, month, first_value(amount) OVER w, last_value(amount) OVER w FROM sales WINDOW w AS (PARTITION BY region ORDER BY month ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) ORDER BY region, month;
SELECT id, (SELECT count(*) FROM sales s2 WHERE s2.region = s.region) AS n, count(*) OVER (PARTITION BY region) AS m FROM sales s ORDER BY id;
SELECT id, amount FROM sales ORDER BY row_number() OVER (ORDER BY amount DESC, id) LIMIT 3;
