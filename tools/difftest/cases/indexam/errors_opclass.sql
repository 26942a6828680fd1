-- operator classes: unknown, of another type, and a type without a default
CREATE TABLE p (id int, details jsonb, tags int[], ts timestamptz);
CREATE INDEX ON p USING gin (id);
CREATE INDEX ON p USING gin (details foo_ops);
CREATE INDEX ON p USING gin (details array_ops);
CREATE INDEX ON p USING gin (tags jsonb_ops);
CREATE INDEX ON p USING brin (details);
CREATE INDEX ON p USING hash (tags int4_ops);
CREATE INDEX ON p USING brin (ts int4_minmax_ops);
SELECT count(*) FROM pg_class WHERE relname LIKE 'p\_%';
