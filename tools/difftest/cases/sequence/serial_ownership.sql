CREATE TABLE t (id serial PRIMARY KEY, v text);
DROP SEQUENCE t_id_seq;
SELECT relname FROM pg_class WHERE relkind = 'S';
DROP TABLE t;
SELECT relname FROM pg_class WHERE relkind = 'S';
CREATE TABLE u (id serial, v text);
ALTER TABLE u DROP COLUMN id;
SELECT relname FROM pg_class WHERE relkind = 'S';
