VALUES (1, 'a'), (2, 'b');
SELECT * FROM (VALUES (3, 'c'), (1, 'a'), (2, 'b')) AS v(n, s) ORDER BY n;
VALUES (1), ('x');
