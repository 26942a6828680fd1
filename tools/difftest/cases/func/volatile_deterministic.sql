SELECT now() = now() AS same_now, now() = current_timestamp AS same_ts;
SELECT random() < 1.0 AS in_range, random() >= 0 AS non_negative;
SELECT length(md5(random()::text)) AS md5_len;
SELECT current_date = now()::date AS today;
