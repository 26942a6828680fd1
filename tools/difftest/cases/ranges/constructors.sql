-- the range constructors: two and three arguments, NULL bounds are infinite
SELECT int4range(1, 10);
SELECT int4range(1, 10, '[]');
SELECT int4range(1, 10, '(]');
SELECT int4range(1, 10, '()');
SELECT int4range(NULL, 10);
SELECT int4range(1, NULL, '[]');
SELECT int4range(NULL, NULL, '[]');
SELECT int4range(NULL::int, NULL::int) IS NULL;
SELECT numrange(1, 10, '[)'), int8range(3, 4, '(]');
SELECT int4range(g, g + 2) FROM generate_series(1, 3) g ORDER BY g;
SELECT pg_typeof(int4range(1, 2)), pg_typeof(numrange(1, 2)), pg_typeof(daterange(NULL, NULL));
