CREATE TABLE t (a int);
CREATE TABLE t (b int);
CREATE TABLE T (b int);
CREATE TABLE "T" (b int);
SELECT relname FROM pg_class WHERE relname IN ('t', 'T') ORDER BY relname;
