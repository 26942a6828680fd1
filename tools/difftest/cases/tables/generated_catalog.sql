CREATE TABLE g (a int, b numeric, s int GENERATED ALWAYS AS (a * a + 1) STORED, u text GENERATED ALWAYS AS (upper('x' || a::text)) STORED);
SELECT attname, attgenerated, atthasdef FROM pg_attribute WHERE attrelid = 'g'::regclass AND attnum > 0 ORDER BY attnum;
SELECT adnum, pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'g'::regclass ORDER BY adnum;
SELECT column_name, is_generated, generation_expression, column_default FROM information_schema.columns WHERE table_name = 'g' ORDER BY ordinal_position;
INSERT INTO g (a, b) VALUES (2, 1.5);
SELECT * FROM g;
