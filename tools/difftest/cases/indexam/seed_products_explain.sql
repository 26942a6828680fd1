-- the seed's product catalog: a GIN index on jsonb details answers @> by a bitmap scan
CREATE TABLE products (id serial PRIMARY KEY, name text, details jsonb);
INSERT INTO products (name, details) SELECT 'p' || g, jsonb_build_object('color', (ARRAY['red','green','blue','black','white','yellow','purple','orange','pink','grey'])[g % 10 + 1], 'size', g % 7, 'tags', jsonb_build_array('t' || (g % 13))) FROM generate_series(1, 2000) g;
CREATE INDEX idx_product_details ON products USING gin (details);
ANALYZE products;
EXPLAIN (COSTS OFF) SELECT * FROM products WHERE details @> '{"color":"red"}';
SELECT count(*) FROM products WHERE details @> '{"color":"red"}';
EXPLAIN (COSTS OFF) SELECT * FROM products WHERE details @> '{"color":"red", "size": 3}';
EXPLAIN (COSTS OFF) SELECT * FROM products WHERE details ?| '{nosuch,x}';
EXPLAIN (COSTS OFF) SELECT count(*) FROM products WHERE details @> '{"color":"red"}' AND id < 100;
EXPLAIN (COSTS OFF) SELECT * FROM products WHERE details ? 'color';
