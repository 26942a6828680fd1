SELECT 1 < 2 AS lt, 2 <= 2 AS le, 3 = 3 AS eq, 3 <> 4 AS ne, 3 != 3 AS ne2, 'a' < 'b' AS text_lt;
SELECT 1 = NULL AS eq_null, NULL IS NULL AS is_null, 1 IS DISTINCT FROM NULL AS distinct_from;
SELECT 2 BETWEEN 1 AND 3 AS btw, 5 IN (1, 2, 5) AS in_list, 5 NOT IN (1, NULL) AS not_in_null;
