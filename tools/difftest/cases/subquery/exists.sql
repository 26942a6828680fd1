CREATE TABLE cust (id int PRIMARY KEY, name text);
CREATE TABLE orders (id int PRIMARY KEY, cust_id int, amount int);
INSERT INTO cust VALUES (1, 'ann'), (2, 'ben'), (3, 'cy'), (4, 'di');
INSERT INTO orders VALUES (1, 1, 50), (2, 1, 20), (3, 2, 5), (4, NULL, 99), (5, 9, 10);

SELECT name FROM cust c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.cust_id = c.id) ORDER BY name;
SELECT name FROM cust c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.cust_id = c.id) ORDER BY name;
SELECT name FROM cust c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.cust_id = c.id AND o.amount > 10) ORDER BY name;
SELECT name FROM cust c WHERE EXISTS (SELECT FROM orders) ORDER BY name;
SELECT name FROM cust c WHERE NOT EXISTS (SELECT 1 FROM orders WHERE false) ORDER BY name;
SELECT o.id FROM orders o WHERE NOT EXISTS (SELECT 1 FROM cust c WHERE c.id = o.cust_id) ORDER BY o.id;
SELECT c.name, EXISTS (SELECT 1 FROM orders o WHERE o.cust_id = c.id) AS has_orders FROM cust c ORDER BY c.id;
SELECT name FROM cust c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.cust_id = c.id) OR c.id = 4 ORDER BY name;
SELECT count(*) FROM cust c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.cust_id = c.id HAVING count(*) > 1);
SELECT name FROM cust c WHERE EXISTS (SELECT o.amount FROM orders o WHERE o.cust_id = c.id LIMIT 0) ORDER BY name;
