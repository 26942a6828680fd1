CREATE TABLE cust (id int PRIMARY KEY, name text);
CREATE TABLE orders (id int PRIMARY KEY, cust_id int, amount int);
INSERT INTO cust VALUES (1, 'ann'), (2, 'ben'), (3, 'cy');
INSERT INTO orders VALUES (1, 1, 50), (2, 1, 20), (3, 1, 70), (4, 2, 10), (5, 2, 90);

\pset null (null)
SELECT c.name, o.amount FROM cust c, LATERAL (SELECT amount FROM orders WHERE cust_id = c.id ORDER BY amount DESC LIMIT 2) o ORDER BY c.name, o.amount DESC;
SELECT c.name, o.amount FROM cust c LEFT JOIN LATERAL (SELECT amount FROM orders WHERE cust_id = c.id ORDER BY amount DESC LIMIT 1) o ON true ORDER BY c.name;
SELECT c.name, s.total, s.n FROM cust c CROSS JOIN LATERAL (SELECT sum(amount) AS total, count(*) AS n FROM orders WHERE cust_id = c.id) s ORDER BY c.name;
SELECT c.name, g FROM cust c, LATERAL generate_series(1, c.id) g ORDER BY c.name, g;
SELECT c.name, t.v FROM cust c JOIN LATERAL (VALUES (c.id * 10), (c.id * 100)) t(v) ON t.v > 15 ORDER BY 1, 2;
SELECT c.name, o.amount FROM cust c, (SELECT amount FROM orders WHERE cust_id = c.id) o;
SELECT x, y FROM generate_series(1, 3) x, LATERAL (SELECT x * x AS y) s ORDER BY x;
