CREATE SEQUENCE s INCREMENT BY 5 MINVALUE 10 MAXVALUE 100 START WITH 20 CACHE 1 NO CYCLE;
SELECT seqtypid::regtype, seqstart, seqincrement, seqmax, seqmin, seqcache, seqcycle FROM pg_sequence WHERE seqrelid = 's'::regclass;
SELECT nextval('s'), nextval('s'), nextval('s');
CREATE SEQUENCE s2 INCREMENT 3 START 7 CYCLE;
SELECT seqstart, seqincrement, seqmax, seqmin, seqcycle FROM pg_sequence WHERE seqrelid = 's2'::regclass;
SELECT nextval('s2'), nextval('s2');
CREATE SEQUENCE s3 NO MINVALUE NO MAXVALUE;
SELECT seqmax, seqmin FROM pg_sequence WHERE seqrelid = 's3'::regclass;
