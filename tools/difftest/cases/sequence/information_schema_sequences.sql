CREATE SEQUENCE a;
CREATE SEQUENCE b AS smallint INCREMENT BY -1 CYCLE;
CREATE SCHEMA other;
CREATE SEQUENCE other.c AS integer START 10 MAXVALUE 99;
SELECT sequence_schema, sequence_name, data_type, numeric_precision, numeric_precision_radix, numeric_scale, start_value, minimum_value, maximum_value, increment, cycle_option FROM information_schema.sequences ORDER BY sequence_schema, sequence_name;
SELECT count(*), count(DISTINCT sequence_catalog) FROM information_schema.sequences;
