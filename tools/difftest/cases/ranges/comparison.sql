-- range ordering: empty first, then lower bound, then upper bound
SELECT '[1,5)'::int4range = '[1,4]'::int4range, '[1,5)'::numrange = '[1,5]'::numrange;
SELECT 'empty'::int4range = '(3,4)'::int4range;
SELECT '[1,5)'::int4range <> '[1,6)'::int4range;
SELECT 'empty'::int4range < '(,)'::int4range;
SELECT '(,)'::int4range < '[0,1)'::int4range, '(,1)'::int4range < '(,)'::int4range;
SELECT '[1,5)'::int4range < '[1,6)'::int4range, '[1,5)'::int4range < '[2,3)'::int4range;
SELECT '[1,5]'::numrange > '[1,5)'::numrange, '(1,5)'::numrange > '[1,5)'::numrange;
SELECT '[1,5)'::int4range <= '[1,5)'::int4range, '[1,5)'::int4range >= '[1,6)'::int4range;
SELECT range_cmp('[1,5)'::int4range, '[1,6)'::int4range), range_cmp('empty'::int4range, 'empty'::int4range), range_cmp('[2,3)'::int4range, '(,)'::int4range);
SELECT '[1,5)'::int4range = NULL;
