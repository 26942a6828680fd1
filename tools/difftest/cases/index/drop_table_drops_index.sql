CREATE TABLE t (a int);
CREATE INDEX t_a ON t (a);
DROP TABLE t;
SELECT count(*) FROM pg_class WHERE relname = 't_a';
