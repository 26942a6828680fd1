SELECT 1 + 2 AS add, 7 - 10 AS sub, 6 * 7 AS mul, 7 / 2 AS intdiv, 7 % 3 AS mod;
SELECT 7.0 / 2 AS numdiv, 2 ^ 10 AS pow, |/ 16 AS sqrt, @ -5 AS abs;
SELECT 1 / 0;
SELECT 2147483647 + 1;
SELECT 9223372036854775807::bigint + 1;
SELECT 1.5 + 2 AS mixed, 10 / 4.0 AS ratio;
