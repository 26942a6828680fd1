SELECT 1 + 1;
SELECT 'x'::text;
SELECT upper('a');
SELECT CASE WHEN true THEN 1 END;
SELECT count(*);
SELECT ARRAY[1];
SELECT 1 AS "?column?", 2 AS "select";
