CREATE TABLE o (qty int, price numeric(8,2), disc numeric(3,2));
INSERT INTO o VALUES (2, 10.00, 0.10), (1, 99.99, 0), (5, 1.25, NULL), (3, 4.00, 0.50);
\pset null (null)
SELECT sum(qty * price) AS gross, sum(qty * price * (1 - coalesce(disc, 0))) AS net FROM o;
SELECT max(qty * price) - min(qty * price) AS spread FROM o;
SELECT sum(CASE WHEN disc > 0 THEN 1 ELSE 0 END) AS discounted, count(disc) FROM o;
SELECT avg(price)::numeric(10,3) FROM o;
SELECT round(sum(price) / count(*), 2) = round(avg(price), 2) AS same FROM o;
SELECT sum(qty) * 1.0 / nullif(count(*), 0) FROM o WHERE qty > 100;
