-- GIN and B-tree bitmaps combined: rows of AND and OR conditions through bitmap scans
CREATE TABLE p (id int PRIMARY KEY, details jsonb, price int);
INSERT INTO p SELECT g, jsonb_build_object('color', (ARRAY['red','green','blue','black'])[g % 4 + 1]), g % 100 FROM generate_series(1, 1000) g;
CREATE INDEX p_details ON p USING gin (details);
CREATE INDEX p_price ON p (price);
SET enable_seqscan = off;
SET enable_indexscan = off;
SELECT count(*) FROM p WHERE details @> '{"color": "red"}' AND price < 10;
SELECT count(*) FROM p WHERE details @> '{"color": "red"}' OR price = 3;
SELECT count(*) FROM p WHERE (details @> '{"color": "blue"}' AND price = 5) OR id < 4;
RESET enable_seqscan;
RESET enable_indexscan;
SET enable_bitmapscan = off;
SELECT count(*) FROM p WHERE details @> '{"color": "red"}' AND price < 10;
SELECT count(*) FROM p WHERE details @> '{"color": "red"}' OR price = 3;
SELECT count(*) FROM p WHERE (details @> '{"color": "blue"}' AND price = 5) OR id < 4;
