CREATE TABLE r (id int, lo int, hi int, tags text[]);
INSERT INTO r VALUES (1, 1, 3, ARRAY['a','b']), (2, 5, 4, ARRAY['c']), (3, 2, 2, '{}'), (4, NULL, 2, NULL);
\pset null (null)
SELECT r.id, g FROM r, generate_series(r.lo, r.hi) g ORDER BY r.id, g;
SELECT r.id, g FROM r LEFT JOIN LATERAL generate_series(r.lo, r.hi) g ON true ORDER BY r.id, g;
SELECT r.id, t FROM r CROSS JOIN LATERAL unnest(r.tags) t ORDER BY r.id, t;
SELECT r.id, t, n FROM r, unnest(r.tags) WITH ORDINALITY AS u(t, n) ORDER BY r.id, n;
SELECT r.id, t FROM r LEFT JOIN LATERAL unnest(r.tags) t ON true ORDER BY r.id, t;
SELECT r.id, array_length(r.tags, 1), (SELECT count(*) FROM unnest(r.tags)) FROM r ORDER BY r.id;
