CREATE TABLE t (i int, b boolean);
INSERT INTO t (i) VALUES (true);
INSERT INTO t (b) VALUES (1);
INSERT INTO t (i) SELECT 'x'::text;
