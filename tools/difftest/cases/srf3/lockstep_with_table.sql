CREATE TABLE t (id int, n int, tags text[]);
INSERT INTO t VALUES (1, 2, ARRAY['a', 'b', 'c']), (2, 0, ARRAY['d']), (3, 3, NULL);
SELECT id, generate_series(1, n) AS g FROM t ORDER BY id, g;
SELECT id, generate_series(1, n) AS g, unnest(tags) AS tag FROM t ORDER BY id, g, tag;
SELECT id, unnest(tags) AS tag FROM t ORDER BY 1, 2;
SELECT id * 10 + generate_series(1, n) AS v FROM t ORDER BY v;
SELECT id, generate_series(1, n) AS g FROM t WHERE id > 1 ORDER BY id, g;
SELECT DISTINCT generate_series(1, n) AS g FROM t ORDER BY g;
SELECT id, generate_series(1, n) AS g FROM t ORDER BY g DESC, id LIMIT 3;
