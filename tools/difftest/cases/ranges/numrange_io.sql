-- numrange is continuous: bounds print as given, inclusivity kept
SELECT '(1.5,2.50]'::numrange;
SELECT '[3,3]'::numrange;
SELECT '[3,3)'::numrange;
SELECT '(3,3]'::numrange;
SELECT numrange(1.1, 2.2);
SELECT numrange(1.1, 2.2, '[]');
SELECT numrange(1, 2);
SELECT numrange(NULL, 2.5, '(]');
SELECT '[-1e3,1e3)'::numrange;
SELECT numrange(0.5, 1.5) @> 1.0::numeric;
SELECT numrange(0.5, 1.5) @> 1.5::numeric;
SELECT lower(numrange(0.25, 1.5)), upper(numrange(0.25, 1.5));
SELECT numrange(1, 2) && numrange(2, 3), numrange(1, 2, '[]') && numrange(2, 3);
