CREATE TABLE o (id int, cust text, status text, amount int);
INSERT INTO o VALUES (1, 'ann', 'paid', 10), (2, 'ann', 'open', 20), (3, 'ben', 'paid', 10), (4, 'ben', 'paid', 30), (5, 'cy', 'void', 10), (6, 'cy', NULL, NULL);

\pset null (null)
SELECT count(*) FILTER (WHERE status = 'paid') AS paid, count(*) FILTER (WHERE status <> 'paid') AS other, count(*) AS total FROM o;
SELECT cust, sum(amount) FILTER (WHERE status = 'paid') AS paid_sum, sum(amount) AS all_sum FROM o GROUP BY cust ORDER BY cust;
SELECT count(DISTINCT amount), sum(DISTINCT amount), avg(DISTINCT amount) FROM o;
SELECT cust, count(DISTINCT status) FROM o GROUP BY cust ORDER BY cust;
SELECT count(DISTINCT amount) FILTER (WHERE cust <> 'cy') FROM o;
SELECT array_agg(id ORDER BY id) FILTER (WHERE amount = 10) AS tens FROM o;
SELECT string_agg(DISTINCT cust, ',' ORDER BY cust) FILTER (WHERE status IS NOT NULL) FROM o;
SELECT cust, max(amount) FILTER (WHERE status = 'void') FROM o GROUP BY cust ORDER BY cust;
SELECT count(DISTINCT (cust, status)) FROM o;
SELECT count(*) FILTER (WHERE amount) FROM o;
SELECT sum(amount) FILTER (WHERE sum(amount) > 1) FROM o;
