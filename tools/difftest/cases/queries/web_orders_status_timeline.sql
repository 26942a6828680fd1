CREATE TABLE status_log (order_id int, status text, at timestamp);
INSERT INTO status_log VALUES (1, 'new', '2024-04-01 10:00'), (1, 'paid', '2024-04-01 10:10'), (1, 'shipped', '2024-04-02 09:00'), (2, 'new', '2024-04-01 11:00'), (2, 'cancelled', '2024-04-01 12:00'), (3, 'new', '2024-04-02 08:00'), (3, 'paid', '2024-04-03 08:00');
SELECT order_id, status, at, lead(at) OVER (PARTITION BY order_id ORDER BY at) - at AS time_in_status FROM status_log ORDER BY order_id, at;
SELECT DISTINCT ON (order_id) order_id, status AS current FROM status_log ORDER BY order_id, at DESC;
SELECT status, count(*) FROM (SELECT DISTINCT ON (order_id) order_id, status FROM status_log ORDER BY order_id, at DESC) s GROUP BY status ORDER BY status;
SELECT order_id FROM status_log GROUP BY order_id HAVING bool_or(status = 'paid') AND NOT bool_or(status = 'shipped') ORDER BY 1;
SELECT a.order_id, b.at - a.at AS new_to_paid FROM status_log a JOIN status_log b ON b.order_id = a.order_id AND b.status = 'paid' WHERE a.status = 'new' ORDER BY 1;
