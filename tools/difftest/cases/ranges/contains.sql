-- containment: @> and <@ with a range or an element
SELECT '[1,10)'::int4range @> '[2,5)'::int4range;
SELECT '[1,10)'::int4range @> '[2,10]'::int4range;
SELECT '[1,10)'::int4range @> 'empty'::int4range;
SELECT 'empty'::int4range @> 'empty'::int4range;
SELECT 'empty'::int4range @> '[1,2)'::int4range;
SELECT '(,)'::int4range @> '(,5)'::int4range;
SELECT '[1,10)'::int4range @> 9, '[1,10)'::int4range @> 10, '[1,10)'::int4range @> 0;
SELECT 5 <@ '[1,10)'::int4range, 10 <@ '[1,10)'::int4range;
SELECT '[2,3)'::int4range <@ '[1,10)'::int4range, 'empty'::int4range <@ '[1,2)'::int4range;
SELECT numrange(1, 2, '()') @> 1::numeric, numrange(1, 2, '(]') @> 2::numeric;
SELECT '[1,10)'::int4range @> '5';
SELECT '[1,10)'::int4range @> NULL::int4;
SELECT NULL::int4range @> 5;
SELECT '[1,10)'::int4range @> 5::bigint;
