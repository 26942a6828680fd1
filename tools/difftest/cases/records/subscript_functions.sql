SELECT generate_subscripts(ARRAY['a', 'b', 'c'], 1) AS i;
SELECT i, (ARRAY['a', 'b', 'c'])[i] AS v FROM generate_subscripts(ARRAY['a', 'b', 'c'], 1, true) AS i;
SELECT * FROM generate_subscripts('{{1,2,3},{4,5,6}}'::int[], 2) s;
SELECT array_lower('[3:5]={1,2,3}'::int[], 1) AS lo, array_upper('[3:5]={1,2,3}'::int[], 1) AS hi;
SELECT array_length('{{1,2},{3,4},{5,6}}'::int[], 1) AS d1, array_length('{{1,2},{3,4},{5,6}}'::int[], 2) AS d2, cardinality('{{1,2},{3,4},{5,6}}'::int[]) AS n;
SELECT a[i] FROM (SELECT ARRAY[5, 6, 7] AS a) s, generate_subscripts(s.a, 1) AS i ORDER BY i DESC;
SELECT array_upper('{}'::int[], 1) AS empty_upper, cardinality('{}'::int[]) AS empty_n;
