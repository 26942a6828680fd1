CREATE SEQUENCE s;
SELECT nextval('s');
ALTER SEQUENCE s RENAME TO s2;
SELECT nextval('s2');
SELECT nextval('s');
SELECT currval('s2');
CREATE SEQUENCE s3;
ALTER SEQUENCE s2 RENAME TO s3;
SELECT relname FROM pg_class WHERE relkind = 'S' ORDER BY 1;
