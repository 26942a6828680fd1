-- WITH (...) options each AM knows, and their bounds
CREATE TABLE p (details jsonb, v int, ts timestamptz);
CREATE INDEX ON p USING brin (ts) WITH (pages_per_range = 0);
CREATE INDEX ON p USING brin (ts) WITH (pages_per_range = 200000);
CREATE INDEX ON p USING brin (ts) WITH (foo = 1);
CREATE INDEX ON p USING gin (details) WITH (fastupdate = maybe);
CREATE INDEX ON p USING gin (details) WITH (gin_pending_list_limit = 10);
CREATE INDEX ON p USING gin (details) WITH (pages_per_range = 4);
CREATE INDEX ON p USING hash (v) WITH (fillfactor = 5);
CREATE INDEX ON p USING hash (v) WITH (fastupdate = on);
CREATE INDEX p_ok ON p USING brin (ts) WITH (pages_per_range = 32, autosummarize = on);
SELECT reloptions FROM pg_class WHERE relname = 'p_ok';
