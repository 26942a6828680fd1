CREATE SEQUENCE ids START 1000;
CREATE TABLE t (id bigint DEFAULT nextval('ids'), v text);
INSERT INTO t (v) VALUES ('a'), ('b');
SELECT * FROM t ORDER BY id;
SELECT column_default FROM information_schema.columns WHERE table_name = 't' AND column_name = 'id';
DROP SEQUENCE ids;
