CREATE SEQUENCE s INCREMENT BY -1;
SELECT seqstart, seqmax, seqmin FROM pg_sequence WHERE seqrelid = 's'::regclass;
SELECT nextval('s'), nextval('s'), nextval('s');
SELECT * FROM s;
CREATE SEQUENCE t INCREMENT BY -10 START 100 MINVALUE 75;
SELECT nextval('t');
SELECT nextval('t');
SELECT nextval('t');
SELECT nextval('t');
