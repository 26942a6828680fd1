SELECT 32767::smallint AS s, 2147483647 AS i, 9223372036854775807 AS b;
SELECT pg_typeof(1) AS t1, pg_typeof(3000000000) AS t2, pg_typeof(1.5) AS t3, pg_typeof('x') AS t4;
SELECT 32767::smallint + 1::smallint;
SELECT -2147483648 AS min_int;
