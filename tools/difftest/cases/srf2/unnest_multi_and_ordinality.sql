SELECT * FROM unnest(ARRAY[1, 2, 3], ARRAY['a', 'b']) AS u(n, s);
SELECT * FROM unnest(ARRAY['x', 'y', 'z']) WITH ORDINALITY AS u(v, i) ORDER BY i DESC;
SELECT * FROM unnest('{{1,2},{3,4}}'::int[]) AS u(v);
SELECT * FROM unnest(ARRAY[NULL, 1, NULL]::int[]) WITH ORDINALITY;
SELECT * FROM unnest('{}'::text[]) AS u(v);
SELECT * FROM unnest(ARRAY[true, false]) b, unnest(ARRAY[1, 2]) n ORDER BY 1, 2;
