-- int4range text input and output: the canonical [) form of a discrete range
SELECT '[1,5)'::int4range;
SELECT '[1,5]'::int4range;
SELECT '(1,5]'::int4range;
SELECT '(1,5)'::int4range;
SELECT '(1,2)'::int4range;
SELECT '[3,3]'::int4range;
SELECT '[3,3)'::int4range;
SELECT 'empty'::int4range;
SELECT '  EmPtY  '::int4range;
SELECT '(,)'::int4range;
SELECT '[,5]'::int4range;
SELECT '(3,]'::int4range;
SELECT '[ 3 , 7 )'::int4range;
SELECT '["3","7")'::int4range;
SELECT '[-2147483648,0]'::int4range;
SELECT '[0,2147483647)'::int4range;
SELECT '[0,2147483647]'::int4range;
SELECT '[1,5)'::int4range::text;
