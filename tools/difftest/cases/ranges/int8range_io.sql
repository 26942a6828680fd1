-- int8range: input, output and its canonical form
SELECT '[1,5]'::int8range;
SELECT '(9000000000,9000000005]'::int8range;
SELECT '(,9000000000]'::int8range;
SELECT int8range(1, 10);
SELECT int8range(1, 10, '(]');
SELECT int8range(5, 5, '()');
SELECT int8range(NULL, NULL);
SELECT '[-9223372036854775808,0]'::int8range;
SELECT int8range(0, 9223372036854775807, '[]');
SELECT upper(int8range(1, 10, '[]')), lower(int8range(1, 10, '(]'));
