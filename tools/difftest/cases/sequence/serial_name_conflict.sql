CREATE SEQUENCE t_id_seq;
CREATE TABLE t (id serial, v text);
SELECT relname FROM pg_class WHERE relkind = 'S' ORDER BY 1;
SELECT pg_get_serial_sequence('t', 'id');
INSERT INTO t (v) VALUES ('a');
SELECT * FROM t;
CREATE TABLE u (id serial DEFAULT 5);
