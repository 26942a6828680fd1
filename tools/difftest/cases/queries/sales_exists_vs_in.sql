CREATE TABLE customers (id int PRIMARY KEY, name text, region text, joined date);
CREATE TABLE orders (id int PRIMARY KEY, customer_id int, ordered date, status text);
CREATE TABLE lines (order_id int, sku text, qty int, price numeric(8,2));
INSERT INTO customers VALUES (1, 'acme', 'north', '2023-01-05'), (2, 'bolt', 'south', '2023-02-10'), (3, 'cogs', 'north', '2023-03-15'), (4, 'dyna', 'east', '2024-01-01'), (5, 'echo', NULL, '2024-02-01');
INSERT INTO orders VALUES (100, 1, '2024-01-03', 'paid'), (101, 1, '2024-01-20', 'paid'), (102, 2, '2024-01-21', 'void'), (103, 3, '2024-02-02', 'paid'), (104, 2, '2024-02-14', 'paid'), (105, 1, '2024-03-01', 'open'), (106, 4, '2024-03-03', 'paid');
INSERT INTO lines VALUES (100, 'A', 2, 10.00), (100, 'B', 1, 25.50), (101, 'A', 5, 9.50), (102, 'C', 1, 99.00), (103, 'B', 3, 25.50), (103, 'C', 1, 99.00), (104, 'A', 1, 10.00), (105, 'B', 2, 25.00), (106, 'C', 2, 95.00), (106, 'A', 10, 9.00);
\pset null (null)

SELECT name FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.status = 'paid') ORDER BY name;
SELECT name FROM customers WHERE id IN (SELECT customer_id FROM orders WHERE status = 'paid') ORDER BY name;
SELECT name FROM customers c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id) ORDER BY name;
SELECT name FROM customers WHERE id NOT IN (SELECT customer_id FROM orders) ORDER BY name;
INSERT INTO orders VALUES (107, NULL, '2024-03-05', 'open');
SELECT name FROM customers WHERE id NOT IN (SELECT customer_id FROM orders) ORDER BY name;
SELECT name FROM customers c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id) ORDER BY name;
SELECT name FROM customers WHERE id NOT IN (SELECT customer_id FROM orders WHERE customer_id IS NOT NULL) ORDER BY name;
