CREATE SEQUENCE s MAXVALUE 3;
SELECT nextval('s');
SELECT nextval('s');
SELECT nextval('s');
SELECT nextval('s');
SELECT * FROM s;
SELECT currval('s'), lastval();
SELECT nextval('s');
