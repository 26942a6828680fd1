SELECT pg_typeof(1::int2) AS a, pg_typeof(now()) AS b, pg_typeof(true) AS c, pg_typeof(NULL) AS d;
SELECT pg_typeof(ARRAY[1, 2]) AS arr, pg_typeof('{}'::text[]) AS tarr;
