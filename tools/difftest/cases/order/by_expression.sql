CREATE TABLE p (id int, name text, score int, grp text);
INSERT INTO p VALUES (1, 'ann', 30, 'a'), (2, 'ben', 10, 'b'), (3, 'cat', 20, 'a'), (4, 'dan', NULL, 'b'), (5, 'eli', 20, NULL), (6, 'fay', 40, 'a');

SELECT name FROM p ORDER BY length(name), name DESC;
SELECT name, id FROM p ORDER BY id % 3, id;
SELECT name FROM p ORDER BY score IS NULL, score, name;
