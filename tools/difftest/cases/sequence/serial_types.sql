CREATE TABLE t (a smallserial, b serial, c bigserial, d serial4, e serial8, f serial2);
SELECT seqrelid::regclass::text AS seq, seqtypid::regtype, seqmax FROM pg_sequence ORDER BY 1;
INSERT INTO t DEFAULT VALUES;
INSERT INTO t DEFAULT VALUES;
SELECT * FROM t;
SELECT attname, atttypid::regtype, attnotnull, atthasdef FROM pg_attribute WHERE attrelid = 't'::regclass AND attnum > 0 ORDER BY attnum;
