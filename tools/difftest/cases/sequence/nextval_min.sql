CREATE SEQUENCE s INCREMENT -2 MINVALUE -5 MAXVALUE 0 START 0;
SELECT nextval('s');
SELECT nextval('s');
SELECT nextval('s');
SELECT nextval('s');
SELECT * FROM s;
