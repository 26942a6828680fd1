\pset null (null)
SELECT * FROM jsonb_array_elements('[1, "two", {"k": 3}, null]') AS e ORDER BY e::text;
SELECT jsonb_array_elements('[3, 1, 2]'::jsonb) AS e ORDER BY e;
SELECT value FROM jsonb_array_elements_text('["b", "a", null]') ORDER BY value;
SELECT key, value FROM jsonb_each('{"b": 2, "a": [1, 2], "c": null}') ORDER BY key;
SELECT key, value FROM jsonb_each_text('{"b": 2, "a": "x"}') ORDER BY key;
SELECT jsonb_each('{"x": 1, "y": true}') AS kv ORDER BY 1;
CREATE TABLE docs (id int, body jsonb);
INSERT INTO docs VALUES (1, '{"tags": ["a", "b"], "n": 1}'), (2, '{"tags": ["c"], "n": 2}'), (3, '{"n": 3}');
SELECT d.id, t.tag FROM docs d, jsonb_array_elements_text(d.body->'tags') AS t(tag) ORDER BY 1, 2;
SELECT d.id, kv.key FROM docs d, jsonb_each(d.body) kv ORDER BY 1, 2;
SELECT kv.key, count(*) FROM docs d, jsonb_each(d.body) kv GROUP BY kv.key ORDER BY kv.key;
SELECT * FROM jsonb_array_elements('{"a": 1}');
SELECT * FROM jsonb_each('[1, 2]');
SELECT e, ord FROM jsonb_array_elements('["x", "y"]') WITH ORDINALITY AS j(e, ord) ORDER BY ord;
