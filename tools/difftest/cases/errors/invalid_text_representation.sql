SELECT 'abc'::int;
SELECT '1.2.3'::numeric;
SELECT 'tru'::boolean;
SELECT '2024-13-01'::date;
