SELECT (ARRAY[1, 2, 3, 4, 5])[2:4] AS mid, (ARRAY[1, 2, 3, 4, 5])[:2] AS head, (ARRAY[1, 2, 3, 4, 5])[4:] AS tail;
SELECT (ARRAY[1, 2, 3])[0:10] AS clipped, (ARRAY[1, 2, 3])[3:1] AS empty, (ARRAY[1, 2, 3])[5:6] AS outside;
SELECT ('{{1,2,3},{4,5,6}}'::int[])[1:2][2:3] AS block, ('{{1,2,3},{4,5,6}}'::int[])[2:2] AS row2;
SELECT ('{{1,2,3},{4,5,6}}'::int[])[1:2][2] AS mixed;
SELECT ('[0:3]={a,b,c,d}'::text[])[1:2] AS shifted;
SELECT (ARRAY[1, 2, 3])[NULL:2] AS null_lower, (ARRAY[1, 2, 3])[:] AS whole;
SELECT array_lower((ARRAY[1, 2, 3, 4])[2:3], 1) AS lb, array_length((ARRAY[1, 2, 3, 4])[2:3], 1) AS len;
