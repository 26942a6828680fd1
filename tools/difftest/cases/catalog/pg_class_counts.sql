CREATE TABLE t (a int);
INSERT INTO t SELECT generate_series(1, 10);
SELECT relname, relkind, relpersistence, relhasindex FROM pg_class WHERE relname = 't';
CREATE INDEX ON t (a);
SELECT relhasindex FROM pg_class WHERE relname = 't';
