-- what gin, brin and hash cannot do: UNIQUE, several columns (hash), INCLUDE, ASC/DESC, an unknown AM
CREATE TABLE p (id int, details jsonb, v int);
CREATE UNIQUE INDEX ON p USING gin (details);
CREATE UNIQUE INDEX ON p USING hash (v);
CREATE UNIQUE INDEX ON p USING brin (v);
CREATE INDEX ON p USING hash (v, id);
CREATE INDEX ON p USING gin (details) INCLUDE (id);
CREATE INDEX ON p USING brin (v) INCLUDE (id);
CREATE INDEX ON p USING gin (details DESC);
CREATE INDEX ON p USING hash (v NULLS FIRST);
CREATE INDEX ON p USING foo (v);
SELECT count(*) FROM pg_index WHERE indrelid = 'p'::regclass;
