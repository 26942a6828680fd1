CREATE TABLE t (id int CONSTRAINT my_pk PRIMARY KEY);
INSERT INTO t VALUES (5);
INSERT INTO t VALUES (5);
SELECT conname, contype FROM pg_constraint WHERE conrelid = 't'::regclass;
