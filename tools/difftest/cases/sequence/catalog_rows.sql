CREATE SEQUENCE s;
SELECT relname, relkind, relnatts, relpersistence, relhasindex, relam FROM pg_class WHERE relname = 's';
SELECT attname, atttypid::regtype, attnotnull FROM pg_attribute WHERE attrelid = 's'::regclass AND attnum > 0 ORDER BY attnum;
SELECT count(*) FROM pg_type WHERE typname = 's';
SELECT c.relname, s.seqincrement FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid;
SELECT 's'::regclass::text;
