-- pg_get_indexdef and pg_indexes for gin, brin and hash: non-default operator classes, WITH options
CREATE TABLE p (id int, details jsonb, tags int[], ts timestamptz, v int, s varchar(10));
CREATE INDEX i1 ON p USING gin (details jsonb_path_ops) WITH (fastupdate = off, gin_pending_list_limit = 128);
CREATE INDEX i2 ON p USING gin (details jsonb_ops);
CREATE INDEX i3 ON p USING brin (ts) WITH (pages_per_range = 4, autosummarize);
CREATE INDEX i4 ON p USING hash (v) WITH (fillfactor = 50);
CREATE INDEX i5 ON p USING gin (tags array_ops);
CREATE INDEX i6 ON p USING brin (ts timestamptz_minmax_ops, v);
CREATE INDEX i7 ON p USING brin (s);
CREATE INDEX i8 ON p USING hash (s);
SELECT relname, reloptions, pg_get_indexdef(oid) FROM pg_class WHERE relname ~ '^i[0-9]$' ORDER BY 1;
SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'p' ORDER BY 1;
