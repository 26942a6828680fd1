SELECT 2147483647 + 1;
SELECT (-32768)::smallint - 1::smallint;
SELECT 12345.678::numeric(5,2);
SELECT '1e400'::float8;
