CREATE TABLE p (id int, name text, score int, grp text);
INSERT INTO p VALUES (1, 'ann', 30, 'a'), (2, 'ben', 10, 'b'), (3, 'cat', 20, 'a'), (4, 'dan', NULL, 'b'), (5, 'eli', 20, NULL), (6, 'fay', 40, 'a');

SELECT name, score * 2 AS dbl FROM p ORDER BY 2 DESC NULLS LAST, 1;
SELECT name AS n FROM p ORDER BY n DESC;
SELECT name FROM p ORDER BY 3;
