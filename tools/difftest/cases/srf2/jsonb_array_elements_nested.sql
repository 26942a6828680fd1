SELECT value FROM jsonb_array_elements('[1, "two", [3], {"four": 4}, null]') ORDER BY value::text;
SELECT x->>'name' AS name, (x->>'qty')::int AS qty FROM jsonb_array_elements('[{"name": "a", "qty": 2}, {"name": "b", "qty": 5}]') x ORDER BY qty DESC;
SELECT i, e FROM jsonb_array_elements_text('["p", "q", "r"]') WITH ORDINALITY AS t(e, i) ORDER BY i;
SELECT count(*) FROM jsonb_array_elements('[]');
SELECT sum(v::int) FROM jsonb_array_elements_text('[1, 2, 3, 4]') v;
SELECT o.k, y FROM jsonb_each('{"a": [1, 2], "b": [3]}') AS o(k, v), jsonb_array_elements(o.v) y ORDER BY 1, 2;
SELECT * FROM jsonb_array_elements('{"a": 1}');
