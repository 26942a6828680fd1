CREATE TABLE t (a int PRIMARY KEY, b int, c int);
CREATE UNIQUE INDEX t_b ON t (b);
CREATE INDEX t_bc ON t (b, c);
SELECT c.relname, i.indisunique, i.indisprimary, i.indnatts FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 't'::regclass ORDER BY c.relname;
