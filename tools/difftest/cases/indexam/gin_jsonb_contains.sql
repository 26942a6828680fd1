-- jsonb @> through a GIN index (jsonb_ops) and without it: the same rows
CREATE TABLE products (id int, details jsonb);
INSERT INTO products SELECT g, jsonb_build_object('color', (ARRAY['red','green','blue'])[g % 3 + 1], 'size', g % 4, 'stock', g % 2 = 0) FROM generate_series(1, 300) g;
INSERT INTO products VALUES (1001, '{}'), (1002, NULL), (1003, '[1, 2]'), (1004, '{"color": ["red", "blue"]}');
CREATE INDEX idx_product_details ON products USING gin (details);
SET enable_seqscan = off;
SELECT count(*) FROM products WHERE details @> '{"color": "red"}';
SELECT count(*) FROM products WHERE details @> '{"color": "red", "size": 2}';
SELECT count(*) FROM products WHERE details @> '{"stock": true}';
SELECT id FROM products WHERE details @> '{"color": ["blue"]}' ORDER BY id;
SELECT id FROM products WHERE details @> '[2]' ORDER BY id;
SELECT count(*) FROM products WHERE details @> '{}';
RESET enable_seqscan;
SET enable_bitmapscan = off;
SELECT count(*) FROM products WHERE details @> '{"color": "red"}';
SELECT count(*) FROM products WHERE details @> '{"color": "red", "size": 2}';
SELECT count(*) FROM products WHERE details @> '{"stock": true}';
SELECT id FROM products WHERE details @> '{"color": ["blue"]}' ORDER BY id;
SELECT count(*) FROM products WHERE details @> '{}';
