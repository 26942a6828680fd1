CREATE TABLE t (id int PRIMARY KEY);
INSERT INTO t VALUES (NULL);
SELECT attname, attnotnull FROM pg_attribute WHERE attrelid = 't'::regclass AND attnum > 0 ORDER BY attnum;
