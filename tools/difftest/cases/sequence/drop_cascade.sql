CREATE SEQUENCE s;
CREATE TABLE t (id int DEFAULT nextval('s'), v text);
INSERT INTO t (v) VALUES ('a');
DROP SEQUENCE s;
DROP SEQUENCE s CASCADE;
INSERT INTO t (v) VALUES ('b');
SELECT * FROM t ORDER BY v;
SELECT count(*) FROM pg_attrdef WHERE adrelid = 't'::regclass;
