-- union (+): the ranges must overlap or touch (22000 otherwise)
SELECT '[1,5)'::int4range + '[3,8)'::int4range;
SELECT '[1,5)'::int4range + '[5,8)'::int4range;
SELECT '[1,4]'::int4range + '[5,8)'::int4range;
SELECT '[1,5)'::numrange + '[5,8]'::numrange;
SELECT 'empty'::int4range + '[5,8)'::int4range;
SELECT '[5,8)'::int4range + 'empty'::int4range;
SELECT '(,5)'::int4range + '[2,)'::int4range;
SELECT '[1,2)'::int4range + '[3,4)'::int4range;
SELECT '[1,2)'::numrange + '(2,4)'::numrange;
SELECT range_merge('[1,2)'::int4range, '[5,6)'::int4range);
SELECT range_merge('empty'::int4range, '[5,6)'::int4range), range_merge('[1,2)'::numrange, '(,0)'::numrange);
