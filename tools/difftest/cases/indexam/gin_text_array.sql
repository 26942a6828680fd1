-- text[] tags with a GIN index
CREATE TABLE posts (id int, tags text[]);
INSERT INTO posts SELECT g, ARRAY['t' || (g % 5), 'u' || (g % 3)] FROM generate_series(1, 150) g;
CREATE INDEX posts_tags ON posts USING gin (tags);
SET enable_seqscan = off;
SELECT count(*) FROM posts WHERE tags @> ARRAY['t1'];
SELECT count(*) FROM posts WHERE tags && ARRAY['t1', 'u2'];
SELECT count(*) FROM posts WHERE tags @> '{t1,u1}';
RESET enable_seqscan;
SET enable_bitmapscan = off;
SELECT count(*) FROM posts WHERE tags @> ARRAY['t1'];
SELECT count(*) FROM posts WHERE tags && ARRAY['t1', 'u2'];
SELECT count(*) FROM posts WHERE tags @> '{t1,u1}';
