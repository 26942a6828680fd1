CREATE TABLE d (id int, doc jsonb);
INSERT INTO d VALUES (1, '{"a": 1, "b": "x", "c": null}'), (2, '{}'), (3, '{"z": [1, 2]}');
\pset null (null)
SELECT id, key, value FROM d, jsonb_each(doc) ORDER BY id, key;
SELECT id, key, value FROM d, jsonb_each_text(doc) ORDER BY id, key;
SELECT id, k FROM d, jsonb_object_keys(doc) k ORDER BY id, k;
SELECT d.id, e.key FROM d LEFT JOIN LATERAL jsonb_each(d.doc) e ON true ORDER BY d.id, e.key;
SELECT jsonb_typeof(value), count(*) FROM d, jsonb_each(doc) GROUP BY 1 ORDER BY 1;
