-- EXPLAIN ANALYZE of bitmap scans over gin and hash indexes: exact heap blocks
CREATE TABLE products (id int, details jsonb);
INSERT INTO products SELECT g, jsonb_build_object('color', (ARRAY['red','green','blue','black','white','yellow','purple','orange','pink','grey'])[g % 10 + 1]) FROM generate_series(1, 5000) g;
CREATE INDEX idx_product_details ON products USING gin (details);
CREATE INDEX products_id_hash ON products USING hash (id);
ANALYZE products;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT * FROM products WHERE details @> '{"color":"red"}';
SET enable_indexscan = off;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT * FROM products WHERE id = 77;
