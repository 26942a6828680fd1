CREATE SEQUENCE a AS smallint;
CREATE SEQUENCE b AS integer;
CREATE SEQUENCE c AS bigint;
CREATE SEQUENCE d AS int2 INCREMENT -1;
SELECT seqrelid::regclass::text AS seq, seqtypid::regtype, seqmin, seqmax, seqstart FROM pg_sequence ORDER BY 1;
SELECT nextval('d'), nextval('d');
CREATE SEQUENCE e AS text;
CREATE SEQUENCE e AS numeric;
