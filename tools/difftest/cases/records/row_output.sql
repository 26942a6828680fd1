SELECT ROW(1, 'abc') AS r;
SELECT ROW(1, 'a b', '', NULL, 'x"y', 'a,b', '(', E'\\') AS r;
SELECT (1, 2.5, true) AS r;
SELECT ROW() AS r;
SELECT ROW(NULL, NULL) AS r;
SELECT ROW(ARRAY[1, 2], ROW(1, 'x y')) AS nested;
SELECT ROW(' lead', 'trail ', 'NULL', 'a''b') AS r;
SELECT ROW(1, 'x')::text AS t, length(ROW(1, 'x')::text) AS n;
