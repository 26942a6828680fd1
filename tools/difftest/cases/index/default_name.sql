CREATE TABLE t (a int, b int);
CREATE INDEX ON t (a);
CREATE INDEX ON t (a);
CREATE INDEX ON t (a, b);
CREATE UNIQUE INDEX ON t (b);
SELECT indexname FROM pg_indexes WHERE tablename = 't' ORDER BY indexname;
