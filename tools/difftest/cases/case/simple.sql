SELECT CASE 2 WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'many' END AS word;
SELECT CASE 'b' WHEN 'a' THEN 1 WHEN 'b' THEN 2 END AS code;
SELECT CASE NULL WHEN NULL THEN 'matched' ELSE 'no match' END AS null_case;
