SELECT generate_subscripts(ARRAY['a', 'b', 'c'], 1) AS i;
SELECT i, (ARRAY['a', 'b', 'c'])[i] FROM generate_subscripts(ARRAY['a', 'b', 'c'], 1) i ORDER BY i DESC;
SELECT * FROM generate_subscripts('{{1,2,3},{4,5,6}}'::int[], 2) s;
SELECT count(*) FROM generate_subscripts('{}'::int[], 1);
SELECT * FROM generate_subscripts(ARRAY[1, 2], 1, true) s;
