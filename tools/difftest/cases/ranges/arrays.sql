-- arrays of ranges
SELECT ARRAY['[1,5)'::int4range, 'empty', '(,3]'];
SELECT '{"[1,5)","(,3]",empty}'::int4range[];
SELECT ('{"[1,5)","[2,3]"}'::int4range[])[2];
SELECT unnest('{"[1,5)",empty,"(2,3]"}'::int4range[]) AS r ORDER BY r;
SELECT array_length(ARRAY[numrange(1, 2), numrange(3, 4)], 1);
SELECT '{"[2020-01-01,2020-01-05)"}'::daterange[];
SELECT pg_typeof('{}'::int4range[]);
