-- malformed range literals: 22P02 with the DETAIL of range_parse
SELECT '1,5)'::int4range;
SELECT '[1;5)'::int4range;
SELECT '[1,5'::int4range;
SELECT '[1,5,7)'::int4range;
SELECT '[1,5) x'::int4range;
SELECT 'empty x'::int4range;
SELECT '(1'::int4range;
SELECT ''::int4range;
SELECT '[a,5)'::int4range;
SELECT '[1.5,2)'::int4range;
SELECT '[2020-13-01,)'::daterange;
SELECT '[1,5)x'::numrange;
SELECT '["1,5)'::int4range;
SELECT '[1\'::int4range;
