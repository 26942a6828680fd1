CREATE TABLE product (sku text PRIMARY KEY, name text, reorder_at int, supplier text);
CREATE TABLE stock (sku text, warehouse text, qty int);
CREATE TABLE open_po (sku text, qty int, due date);
INSERT INTO product VALUES ('A', 'bolt', 50, 'acme'), ('B', 'nut', 100, 'acme'), ('C', 'gear', 10, 'zen'), ('D', 'belt', 5, NULL);
INSERT INTO stock VALUES ('A', 'w1', 20), ('A', 'w2', 15), ('B', 'w1', 150), ('C', 'w2', 4), ('C', 'w1', 3);
INSERT INTO open_po VALUES ('A', 40, '2024-06-01'), ('C', 10, '2024-06-10'), ('C', 5, '2024-05-20');
\pset null (null)
SELECT p.sku, p.name, coalesce(s.on_hand, 0) AS on_hand, coalesce(po.incoming, 0) AS incoming, p.reorder_at FROM product p LEFT JOIN (SELECT sku, sum(qty) AS on_hand FROM stock GROUP BY sku) s ON s.sku = p.sku LEFT JOIN (SELECT sku, sum(qty) AS incoming FROM open_po GROUP BY sku) po ON po.sku = p.sku ORDER BY p.sku;
SELECT p.sku FROM product p WHERE coalesce((SELECT sum(qty) FROM stock s WHERE s.sku = p.sku), 0) < p.reorder_at AND NOT EXISTS (SELECT 1 FROM open_po o WHERE o.sku = p.sku) ORDER BY 1;
SELECT coalesce(p.supplier, '(none)') AS supplier, count(*) FILTER (WHERE coalesce(s.on_hand, 0) < p.reorder_at) AS short, count(*) AS products FROM product p LEFT JOIN (SELECT sku, sum(qty) AS on_hand FROM stock GROUP BY sku) s USING (sku) GROUP BY 1 ORDER BY 1;
SELECT DISTINCT ON (sku) sku, due, qty FROM open_po ORDER BY sku, due;
SELECT warehouse, string_agg(sku || '=' || qty, ' ' ORDER BY sku) FROM stock GROUP BY warehouse ORDER BY warehouse;
