CREATE TABLE t (id int, tags text[]);
INSERT INTO t VALUES (1, '{a,b}'), (2, '{c}'), (3, '{}'), (4, NULL);
\pset null (null)
SELECT id FROM t WHERE 'a' = ANY (tags) ORDER BY id;
SELECT id, 'z' <> ALL (tags) AS no_z FROM t ORDER BY id;
SELECT id FROM t WHERE id = ANY (ARRAY[1, 3, NULL]) ORDER BY id;
SELECT id FROM t WHERE id = ANY (SELECT unnest(ARRAY[2, 4])) ORDER BY id;
SELECT id FROM t WHERE id = ANY ((SELECT array_agg(x) FROM generate_series(1, 2) x)::int[]) ORDER BY id;
SELECT id, cardinality(tags) FROM t WHERE 'c' = ANY (tags) OR tags = '{}' ORDER BY id;
