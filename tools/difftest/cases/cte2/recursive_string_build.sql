WITH RECURSIVE s(i, str) AS (SELECT 1, 'a'::text UNION ALL SELECT i + 1, str || chr(ascii('a') + i) FROM s WHERE i < 6) SELECT i, str FROM s ORDER BY i;
WITH RECURSIVE split(rest, part, n) AS (SELECT 'x,yy,zzz' || ',', NULL::text, 0 UNION ALL SELECT substr(rest, strpos(rest, ',') + 1), substr(rest, 1, strpos(rest, ',') - 1), n + 1 FROM split WHERE rest <> '') SELECT n, part FROM split WHERE n > 0 ORDER BY n;
WITH RECURSIVE r(s, n) AS (SELECT 'hello'::text, 0 UNION ALL SELECT substr(s, 2), n + 1 FROM r WHERE length(s) > 1) SELECT n, s FROM r ORDER BY n;
WITH RECURSIVE c(x) AS (SELECT 1::bigint UNION ALL SELECT CASE WHEN x % 2 = 0 THEN x / 2 ELSE 3 * x + 1 END FROM c WHERE x <> 1 OR x = 1 AND false) SELECT count(*) FROM c;
WITH RECURSIVE c(x, steps) AS (SELECT 27::bigint, 0 UNION ALL SELECT CASE WHEN x % 2 = 0 THEN x / 2 ELSE 3 * x + 1 END, steps + 1 FROM c WHERE x <> 1) SELECT max(steps), max(x) FROM c;
