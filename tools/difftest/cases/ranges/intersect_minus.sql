-- intersection (*) and difference (-)
SELECT '[1,5)'::int4range * '[3,8)'::int4range;
SELECT '[1,5)'::int4range * '[5,8)'::int4range;
SELECT '[1,5]'::numrange * '[5,8)'::numrange;
SELECT '(,)'::int4range * '[2,3)'::int4range;
SELECT 'empty'::int4range * '[2,3)'::int4range;
SELECT '[1,5)'::int4range - '[3,8)'::int4range;
SELECT '[1,5)'::int4range - '[0,3)'::int4range;
SELECT '[1,5)'::int4range - '[1,5)'::int4range;
SELECT '[1,5)'::int4range - '[6,8)'::int4range;
SELECT '[1,5)'::int4range - 'empty'::int4range;
SELECT '[1,5]'::numrange - '[3,5]'::numrange;
SELECT '[1,5]'::numrange - '(1,3)'::numrange;
SELECT '[1,10)'::int4range - '[3,4)'::int4range;
SELECT '(,)'::numrange - '[0,1)'::numrange;
