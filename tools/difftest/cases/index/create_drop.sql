CREATE TABLE t (a int, b text);
CREATE INDEX t_a_idx ON t (a);
SELECT indexname FROM pg_indexes WHERE tablename = 't' ORDER BY indexname;
DROP INDEX t_a_idx;
SELECT indexname FROM pg_indexes WHERE tablename = 't' ORDER BY indexname;
