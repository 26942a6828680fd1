SELECT NULL AS n, NULL::int + 1 AS plus, coalesce(NULL, NULL, 3) AS c, nullif(5, 5) AS nf, nullif(5, 6) AS nf2;
SELECT NULL::text IS NULL AS a, '' IS NULL AS b;
