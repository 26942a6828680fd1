CREATE TABLE o (id int, cust text, amount int);
INSERT INTO o VALUES (1, 'ann', 10), (2, 'ann', 30), (3, 'ben', 5), (4, 'cy', 50), (5, 'cy', 25);

WITH totals AS (SELECT cust, sum(amount) AS total FROM o GROUP BY cust) SELECT cust, total FROM totals WHERE total > 20 ORDER BY cust;
WITH a AS (SELECT 1 AS x), b AS (SELECT x + 1 AS y FROM a) SELECT * FROM a, b;
WITH t(c, s) AS (SELECT cust, sum(amount) FROM o GROUP BY cust) SELECT c, s FROM t ORDER BY s DESC;
WITH big AS (SELECT * FROM o WHERE amount >= 25) SELECT b1.id, b2.id FROM big b1 JOIN big b2 ON b1.cust = b2.cust AND b1.id < b2.id ORDER BY 1;
WITH x AS MATERIALIZED (SELECT cust, amount FROM o) SELECT cust, max(amount) FROM x GROUP BY cust ORDER BY cust;
WITH x AS NOT MATERIALIZED (SELECT cust, amount FROM o) SELECT count(*) FROM x WHERE amount > 10;
WITH x AS (SELECT id FROM o) SELECT id FROM o WHERE id IN (SELECT id FROM x WHERE id > 3) ORDER BY id;
SELECT (WITH m AS (SELECT max(amount) AS v FROM o) SELECT v FROM m) AS top;
WITH x AS (SELECT 1 AS v) SELECT * FROM (WITH x AS (SELECT 2 AS v) SELECT v FROM x) inner_q, x;
WITH d AS (DELETE FROM o WHERE amount < 10 RETURNING id) SELECT id FROM d ORDER BY id;
SELECT count(*) FROM o;
WITH ins AS (INSERT INTO o VALUES (6, 'di', 1) RETURNING *) SELECT cust, amount FROM ins;
WITH u AS (UPDATE o SET amount = amount + 1 WHERE cust = 'ann' RETURNING id, amount) SELECT * FROM u ORDER BY id;
