-- CREATE INDEX USING gin: the catalog rows and the printed definition
CREATE TABLE products (id serial PRIMARY KEY, name text, details jsonb, tags text[]);
CREATE INDEX idx_product_details ON products USING gin (details);
CREATE INDEX idx_product_paths ON products USING gin (details jsonb_path_ops) WITH (fastupdate = off);
CREATE INDEX ON products USING gin (tags);
SELECT c.relname, a.amname, c.reloptions FROM pg_class c JOIN pg_am a ON a.oid = c.relam WHERE c.relkind = 'i' AND c.relname LIKE '%product%' ORDER BY 1;
SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'products' ORDER BY 1;
SELECT o.opcname, o.opcdefault, o.opcintype::regtype, o.opckeytype::regtype FROM pg_opclass o JOIN pg_am a ON a.oid = o.opcmethod WHERE a.amname = 'gin' AND o.opcname IN ('jsonb_ops', 'jsonb_path_ops', 'array_ops') ORDER BY 1;
SELECT pg_get_indexdef('idx_product_paths'::regclass);
SELECT pg_get_indexdef('idx_product_paths'::regclass, 1, false);
