SELECT jsonb_each('{"x": 1, "y": true}') AS kv ORDER BY 1;
SELECT jsonb_each_text('{"b": "2", "a": "x y"}') AS kv ORDER BY 1;
SELECT (jsonb_each('{"b": 2, "a": [1, 2]}')).key ORDER BY 1;
SELECT (jsonb_each('{"b": 2, "a": [1, 2]}')).* ORDER BY 1;
SELECT (jsonb_each_text('{"k": "v"}')).value;
SELECT count(*) FROM (SELECT jsonb_each('{"a": 1, "b": 2, "c": 3}')) s;
