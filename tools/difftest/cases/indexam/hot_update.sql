-- an indexed column of a gin, brin or hash index makes an UPDATE of it non-HOT; others stay HOT
CREATE TABLE u (id int, tags int[], n int, note text) WITH (fillfactor = 50);
INSERT INTO u SELECT g, ARRAY[g], g, 'x' FROM generate_series(1, 50) g;
CREATE INDEX u_tags ON u USING gin (tags);
CREATE INDEX u_n ON u USING hash (n);
UPDATE u SET note = 'y' WHERE id <= 10;
UPDATE u SET tags = ARRAY[id, 100] WHERE id <= 5;
UPDATE u SET n = n + 1000 WHERE id BETWEEN 6 AND 8;
SET enable_seqscan = off;
SELECT id FROM u WHERE tags @> '{100}' ORDER BY id;
SELECT id FROM u WHERE n = 1007;
SELECT id FROM u WHERE n = 7;
SELECT count(*) FROM u WHERE note = 'y';
