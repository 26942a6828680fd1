CREATE TABLE pairs (a int, b text);
INSERT INTO pairs VALUES (1, 'x'), (2, 'y'), (3, 'z'), (NULL, 'w');
SELECT a, b FROM pairs WHERE (a, b) IN ((1, 'x'), (3, 'z')) ORDER BY a;
SELECT a, b FROM pairs WHERE (a, b) NOT IN ((1, 'x'), (3, 'z')) ORDER BY a;
SELECT (1, 'x') IN ((1, 'x'), (2, 'y')) AS hit, (5, 'q') IN ((1, 'x')) AS miss;
SELECT (1, NULL) IN ((1, 'x')) AS null_result;
SELECT (1, 2) IN ((1, 2, 3));
