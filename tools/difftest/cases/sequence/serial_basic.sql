CREATE TABLE t (id serial, v text);
INSERT INTO t (v) VALUES ('a'), ('b');
INSERT INTO t (v) VALUES ('c') RETURNING id;
INSERT INTO t VALUES (DEFAULT, 'd');
SELECT * FROM t ORDER BY id;
SELECT currval('t_id_seq');
SELECT column_name, column_default, is_nullable, data_type FROM information_schema.columns WHERE table_name = 't' ORDER BY ordinal_position;
INSERT INTO t (id, v) VALUES (NULL, 'x');
