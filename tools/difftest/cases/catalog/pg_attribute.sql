CREATE TABLE t (a int, b text NOT NULL, c numeric);
ALTER TABLE t DROP COLUMN c;
SELECT attname, atttypid::regtype AS type, attnum, attnotnull FROM pg_attribute WHERE attrelid = 't'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum;
SELECT attname, attnum FROM pg_attribute WHERE attrelid = 't'::regclass AND attnum < 0 ORDER BY attnum;
