-- lower, upper, isempty, lower_inc, upper_inc, lower_inf, upper_inf
SELECT lower('[3,7)'::int4range), upper('[3,7)'::int4range);
SELECT lower('(3,7]'::int4range), upper('(3,7]'::int4range);
SELECT lower('(,7)'::int4range), upper('[3,)'::int4range);
SELECT lower('empty'::int4range), upper('empty'::int4range);
SELECT isempty('empty'::int4range), isempty('[1,2)'::int4range), isempty('(1,2)'::int4range);
SELECT lower_inc('[1,2)'::numrange), upper_inc('[1,2)'::numrange), lower_inc('(1,2]'::numrange), upper_inc('(1,2]'::numrange);
SELECT lower_inf('(,2)'::numrange), upper_inf('(,2)'::numrange), lower_inf('empty'::numrange), upper_inf('empty'::numrange);
SELECT lower_inc('(,2]'::numrange), upper_inc('[1,)'::numrange);
SELECT lower_inc('empty'::int4range), upper_inc('empty'::int4range);
SELECT pg_typeof(lower('[1,2)'::int8range)), pg_typeof(upper('[1,2)'::numrange)), pg_typeof(lower('[2020-01-01,)'::daterange));
SELECT upper(int4range(1, 5)) - lower(int4range(1, 5)) AS len;
