SELECT nosuch();
SELECT nosuch(1, 'a');
SELECT lower(1);
SELECT sqrt('x'::text);
SELECT pg_catalog.nosuch(1);
