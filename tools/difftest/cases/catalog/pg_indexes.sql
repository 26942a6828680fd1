CREATE TABLE t (id int PRIMARY KEY, a int, b text);
CREATE INDEX t_a ON t (a);
CREATE UNIQUE INDEX t_ab ON t (a, b);
SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 't' ORDER BY indexname;
