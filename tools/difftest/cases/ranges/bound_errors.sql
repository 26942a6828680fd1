-- range construction errors: bound order (22000), bound flags (42601), NULL flags (22004), overflow
SELECT '[5,1)'::int4range;
SELECT int4range(5, 1);
SELECT numrange(2.5, 1.5, '[]');
SELECT daterange('2024-02-01', '2024-01-01');
SELECT int4range(1, 5, '[x');
SELECT int4range(1, 5, '[');
SELECT int4range(1, 5, '[))');
SELECT int4range(1, 5, NULL);
SELECT int4range(1, 2147483647, '[]');
SELECT int4range(2147483647, NULL, '()');
SELECT '(2147483647,)'::int4range;
SELECT int4range(1, 5, '()');
