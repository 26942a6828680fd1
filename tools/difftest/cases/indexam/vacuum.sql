-- VACUUM cleans dead entries out of gin and hash indexes and summarises new BRIN ranges
CREATE TABLE v (id int, tags int[], n int);
INSERT INTO v SELECT g, ARRAY[g % 5], g % 20 FROM generate_series(1, 2000) g;
CREATE INDEX v_tags ON v USING gin (tags);
CREATE INDEX v_n_hash ON v USING hash (n);
CREATE INDEX v_id_brin ON v USING brin (id) WITH (pages_per_range = 2);
DELETE FROM v WHERE id % 3 = 0;
VACUUM v;
INSERT INTO v SELECT g, ARRAY[g % 5], g % 20 FROM generate_series(2001, 3000) g;
VACUUM v;
SELECT brin_summarize_new_values('v_id_brin') <= 1;
SET enable_seqscan = off;
SELECT count(*) FROM v WHERE tags @> '{2}';
SELECT count(*) FROM v WHERE n = 7;
SELECT count(*) FROM v WHERE id BETWEEN 1990 AND 2010;
UPDATE v SET tags = '{42}' WHERE id < 10;
VACUUM v;
SELECT id FROM v WHERE tags @> '{42}' ORDER BY id;
