SELECT '2024-01-15'::date + 10 AS plus_days, '2024-03-01'::date - '2024-02-01'::date AS diff;
SELECT extract(year FROM '2024-05-06'::date) AS y, date_part('month', '2024-05-06'::date) AS m;
SELECT '2024-01-15 10:30:00'::timestamp AS ts, '2024-01-15 10:30:00+02'::timestamptz AS tstz;
SELECT '1 day 2 hours'::interval AS iv, '2024-01-01'::timestamp + '36 hours'::interval AS later;
SELECT date_trunc('month', '2024-05-17 13:14:15'::timestamp) AS month_start;
SELECT to_char(12345.678, '99999.99') AS tc;
