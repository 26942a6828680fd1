SELECT '42'::int AS i, 42::text AS t, '3.14'::numeric AS n, CAST('1' AS boolean) AS b;
SELECT 3.7::int AS rounded, -3.5::int AS neg_rounded, 2.5::int AS half;
SELECT '2024-02-29'::date AS d, 'abc'::varchar(2) AS trunc;
SELECT 'abc'::int;
SELECT '99999999999'::int;
SELECT 1::boolean;
SELECT 'yes'::boolean, 'off'::boolean;
