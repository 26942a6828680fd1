SELECT * FROM ROWS FROM (generate_series(1, 3)) AS r;
SELECT * FROM ROWS FROM (generate_series(1, 3)) WITH ORDINALITY AS r(v, o);
SELECT * FROM ROWS FROM (unnest(ARRAY['a', 'b', 'c']), generate_series(1, 2), unnest(ARRAY[true])) AS r(s, n, b);
SELECT * FROM ROWS FROM (jsonb_each('{"a": 1, "b": [2]}'), generate_series(1, 3)) AS r ORDER BY 3;
SELECT r.* FROM ROWS FROM (generate_series(1, 2), generate_series(1, 4)) WITH ORDINALITY r WHERE r.ordinality > 1;
SELECT x.n, r.* FROM (VALUES (1), (3)) x(n), ROWS FROM (generate_series(1, x.n), unnest(ARRAY['p', 'q'])) r(a, b) ORDER BY 1, 2;
SELECT count(*), max(o) FROM ROWS FROM (generate_series(1, 100), generate_series(1, 7)) WITH ORDINALITY AS r(a, b, o);
SELECT * FROM ROWS FROM (upper('x'), generate_series(1, 2)) AS r(u, g);
SELECT * FROM ROWS FROM (generate_series(1, 2), generate_series(1, 2)) AS r(a, b, c, d);
