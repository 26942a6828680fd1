SELECT 'abc' || 'def' AS cat, 'x' || 1 AS cat_int, 1 || 'x' AS int_cat;
SELECT 'a' || NULL AS cat_null;
SELECT 'O''Reilly' AS quoted, E'line\nbreak' AS escaped, $$dollar$$ AS dollar;
SELECT 'abc' LIKE 'a%' AS l1, 'abc' LIKE 'A%' AS l2, 'abc' ILIKE 'A%' AS l3;
SELECT U&'\0041BC' AS unicode_escape;
