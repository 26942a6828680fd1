SELECT * FROM ROWS FROM (generate_series(1, 3), unnest(ARRAY['a', 'b'])) AS r(n, s);
SELECT * FROM ROWS FROM (generate_series(1, 2), generate_series(10, 13)) WITH ORDINALITY AS r(a, b, i);
SELECT * FROM ROWS FROM (unnest(ARRAY[1, 2]), unnest(ARRAY[3])) r;
SELECT * FROM ROWS FROM (jsonb_array_elements('[1, 2]'), generate_series(1, 1)) AS r(j, g);
SELECT count(*) FROM ROWS FROM (generate_series(1, 0), generate_series(1, 0)) r;
