CREATE TABLE g (a int, b text);
INSERT INTO g VALUES (2, 'b'), (1, 'a'), (1, 'a'), (1, NULL), (2, 'a'), (NULL, 'z');
SELECT DISTINCT (a, b) AS r FROM g ORDER BY 1;
SELECT (a, b) AS r, count(*) FROM g GROUP BY (a, b) ORDER BY 1;
SELECT ROW(a, b) AS r FROM g ORDER BY ROW(a, b) DESC;
SELECT (a, b) AS r FROM g ORDER BY 1 NULLS FIRST;
SELECT max(ROW(a, b)::text) FROM g;
