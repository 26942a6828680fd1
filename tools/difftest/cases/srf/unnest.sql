\pset null (null)
SELECT * FROM unnest(ARRAY[3, 1, 2]) AS u(v) ORDER BY v;
SELECT unnest(ARRAY['a', 'b', NULL]) AS v ORDER BY v;
SELECT * FROM unnest(ARRAY[1, 2, 3], ARRAY['x', 'y']) AS u(n, s) ORDER BY n;
SELECT * FROM unnest(ARRAY[10, 20, 30]) WITH ORDINALITY AS u(v, i) ORDER BY i;
SELECT unnest('{}'::int[]) AS v;
SELECT unnest(ARRAY[[1, 2], [3, 4]]) AS v ORDER BY v;
CREATE TABLE t (id int, tags text[]);
INSERT INTO t VALUES (1, '{red,blue}'), (2, '{green}'), (3, '{}'), (4, NULL);
SELECT id, unnest(tags) AS tag FROM t ORDER BY id, tag;
SELECT t.id, u.tag FROM t, unnest(t.tags) u(tag) ORDER BY 1, 2;
SELECT t.id, u.tag FROM t LEFT JOIN LATERAL unnest(t.tags) u(tag) ON true ORDER BY 1, 2;
SELECT tag, count(*) FROM t, unnest(tags) tag GROUP BY tag ORDER BY tag;
SELECT id FROM t WHERE 'blue' = ANY (tags) ORDER BY id;
SELECT unnest(5);
