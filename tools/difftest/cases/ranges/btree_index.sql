-- a B-tree index on a range column: equality and order through the index
CREATE TABLE br (id int, r int4range);
INSERT INTO br SELECT g, int4range(g % 50, g % 50 + g % 7) FROM generate_series(1, 500) g;
CREATE INDEX br_r ON br (r);
SET enable_seqscan = off;
SELECT count(*) FROM br WHERE r = '[10,14)';
SELECT count(*) FROM br WHERE r < '[1,2)';
SELECT DISTINCT r FROM br WHERE r > '[48,50)' ORDER BY r;
RESET enable_seqscan;
SELECT count(*) FROM br WHERE r = '[10,14)';
SELECT count(*), count(DISTINCT r) FROM br WHERE isempty(r);
DROP TABLE br;
