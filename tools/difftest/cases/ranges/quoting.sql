-- quoting of bounds, on input and output
SELECT '["2020-01-01 10:00","2020-01-01 11:00")'::tsrange;
SELECT '[  1  ,  5  )'::int4range;
SELECT '[\1,5)'::int4range;
SELECT '["1" ,5)'::int4range;
SELECT '[""1"",5)'::int4range;
SELECT '["",5)'::numrange;
SELECT '(1e2,2e2]'::numrange;
SELECT '[-infinity,"infinity"]'::tsrange;
SELECT tsrange('2020-01-01 00:00', '2020-01-01 01:00')::text;
SELECT daterange('2020-01-01', '2020-01-02')::text, numrange(1.5, NULL)::text;
