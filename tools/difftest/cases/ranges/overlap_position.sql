-- overlap and position: && << >> &< &>
SELECT '[1,5)'::int4range && '[4,8)'::int4range, '[1,5)'::int4range && '[5,8)'::int4range;
SELECT '[1,5]'::numrange && '[5,8)'::numrange, '[1,5)'::numrange && '(5,8)'::numrange;
SELECT 'empty'::int4range && '(,)'::int4range;
SELECT '[1,5)'::int4range << '[5,8)'::int4range, '[1,5]'::numrange << '[5,8)'::numrange;
SELECT '[6,8)'::int4range >> '[1,5)'::int4range, '[5,8)'::int4range >> '[1,5)'::int4range;
SELECT '[1,5)'::int4range &< '[3,5)'::int4range, '[1,6)'::int4range &< '[3,5)'::int4range;
SELECT '[3,5)'::int4range &> '[1,5)'::int4range, '[0,5)'::int4range &> '[1,5)'::int4range;
SELECT '(,5)'::int4range << '[5,)'::int4range, '(,)'::int4range &< '[1,)'::int4range;
SELECT 'empty'::int4range << '[1,2)'::int4range, 'empty'::int4range &> '[1,2)'::int4range;
SELECT a, b, a && b AS overlaps, a << b AS before, a >> b AS after
FROM (VALUES ('[1,3)'::int4range, '[2,4)'::int4range), ('[1,2)', '[5,6)'), ('[7,9)', '[1,2)'), ('(,)', 'empty')) v(a, b);
