CREATE TABLE t (id int PRIMARY KEY, code text UNIQUE, a int, b int, UNIQUE (a, b));
SELECT conname, contype FROM pg_constraint WHERE conrelid = 't'::regclass ORDER BY conname;
SELECT indexname FROM pg_indexes WHERE tablename = 't' ORDER BY indexname;
