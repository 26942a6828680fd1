-- jsonb ?, ?| and ?& through a GIN index and without it
CREATE TABLE docs (id int, doc jsonb);
INSERT INTO docs SELECT g, jsonb_build_object('k' || (g % 5), g, 'common', true) FROM generate_series(1, 200) g;
INSERT INTO docs VALUES (500, '["k1", "x"]'), (501, '"k2"'), (502, '{"k1": null}');
CREATE INDEX docs_gin ON docs USING gin (doc);
SET enable_seqscan = off;
SELECT count(*) FROM docs WHERE doc ? 'k1';
SELECT count(*) FROM docs WHERE doc ? 'nosuch';
SELECT count(*) FROM docs WHERE doc ?| '{k1,k2}';
SELECT count(*) FROM docs WHERE doc ?& '{k1,common}';
SELECT id FROM docs WHERE doc ? 'x' OR doc ? 'k2' ORDER BY id LIMIT 3;
RESET enable_seqscan;
SET enable_bitmapscan = off;
SELECT count(*) FROM docs WHERE doc ? 'k1';
SELECT count(*) FROM docs WHERE doc ?| '{k1,k2}';
SELECT count(*) FROM docs WHERE doc ?& '{k1,common}';
