CREATE TABLE t (id int NOT NULL, name varchar(20) DEFAULT 'x', price numeric(6,2), note text, flag boolean);
SELECT column_name, data_type, is_nullable, column_default, ordinal_position FROM information_schema.columns WHERE table_name = 't' ORDER BY ordinal_position;
SELECT column_name, character_maximum_length, numeric_precision, numeric_scale FROM information_schema.columns WHERE table_name = 't' ORDER BY ordinal_position;
