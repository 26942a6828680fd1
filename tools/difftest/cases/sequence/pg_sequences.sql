CREATE SEQUENCE a;
CREATE SEQUENCE b AS integer INCREMENT -2 CACHE 5 CYCLE;
CREATE TABLE t (id smallserial);
SELECT * FROM pg_sequences ORDER BY sequencename;
SELECT nextval('a'), nextval('b');
SELECT sequencename, last_value FROM pg_sequences ORDER BY sequencename;
SELECT setval('a', 7, false);
SELECT sequencename, last_value FROM pg_sequences WHERE sequencename = 'a';
