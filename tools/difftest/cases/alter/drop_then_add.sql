CREATE TABLE t (a int, b int);
INSERT INTO t VALUES (1, 2);
ALTER TABLE t DROP COLUMN b;
ALTER TABLE t ADD COLUMN b text DEFAULT 'new';
SELECT * FROM t;
SELECT attname FROM pg_attribute WHERE attrelid = 't'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum;
