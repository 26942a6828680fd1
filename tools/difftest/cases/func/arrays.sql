SELECT ARRAY[1, 2, 3] AS arr, array_length(ARRAY[1, 2, 3], 1) AS len;
SELECT (ARRAY['a', 'b', 'c'])[2] AS second, ARRAY[1, 2] || 3 AS appended;
SELECT array_to_string(ARRAY[1, NULL, 3], ',', '*') AS s, string_to_array('a,b', ',') AS arr;
SELECT 2 = ANY (ARRAY[1, 2]) AS any_match, 3 = ALL (ARRAY[3, 3]) AS all_match;
