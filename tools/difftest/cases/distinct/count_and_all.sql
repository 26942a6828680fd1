CREATE TABLE p (id int, name text, score int, grp text);
INSERT INTO p VALUES (1, 'ann', 30, 'a'), (2, 'ben', 10, 'b'), (3, 'cat', 20, 'a'), (4, 'dan', NULL, 'b'), (5, 'eli', 20, NULL), (6, 'fay', 40, 'a');

SELECT count(DISTINCT grp) AS groups, count(grp) AS non_null, count(*) AS all_rows FROM p;
SELECT ALL grp FROM p ORDER BY id;
