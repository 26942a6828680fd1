CREATE TABLE gt (t text, n numeric(10,2), len int GENERATED ALWAYS AS (length(t)) STORED, up text GENERATED ALWAYS AS (upper(t)) STORED, dbl numeric GENERATED ALWAYS AS (n * 2) STORED, pos boolean GENERATED ALWAYS AS (n > 0) STORED, c varchar(3) GENERATED ALWAYS AS (substr(t, 1, 3)) STORED);
INSERT INTO gt (t, n) VALUES ('hello', 1.25), ('', -3), (NULL, NULL);
SELECT * FROM gt ORDER BY len NULLS LAST;
UPDATE gt SET t = t || '!' WHERE t IS NOT NULL;
SELECT t, len, up, c FROM gt ORDER BY len NULLS LAST;
SELECT attname, attgenerated FROM pg_attribute WHERE attrelid = 'gt'::regclass AND attnum > 0 ORDER BY attnum;
