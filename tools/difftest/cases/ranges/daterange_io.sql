-- daterange: canonical [) form, infinite dates, constructors
SELECT '[2020-01-01,2020-01-31]'::daterange;
SELECT '(2020-01-01,2020-01-31)'::daterange;
SELECT '(2020-01-01,2020-01-02)'::daterange;
SELECT '[2020-02-28,2020-03-01]'::daterange;
SELECT '(-infinity,infinity]'::daterange;
SELECT '[-infinity,2020-01-01]'::daterange;
SELECT '(,2020-01-01]'::daterange;
SELECT daterange('2024-01-01', '2024-12-31', '[]');
SELECT daterange('2024-01-01'::date, NULL);
SELECT daterange('2024-01-01', '2024-02-01') @> '2024-01-15'::date;
SELECT daterange('2024-01-01', '2024-02-01') @> '2024-02-01'::date;
SELECT upper(daterange('2024-01-01', '2024-01-10', '[]'));
SELECT isempty(daterange('2024-01-01', '2024-01-01'));
