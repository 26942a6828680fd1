SELECT (1, 2) < (1, 3) AS a, (1, 2) < (2, 0) AS b, (1, 2) < (1, 2) AS c, (1, 2) <= (1, 2) AS d;
SELECT (2, 1) > (1, 9) AS a, (1, 2) >= (1, 3) AS b;
SELECT (1, NULL) < (2, 1) AS decided, (1, NULL) < (1, 1) AS unknown;
SELECT (1, 2, 3) < (1, 2, 4) AS three;
CREATE TABLE p (a int, b int);
INSERT INTO p VALUES (1, 1), (1, 2), (2, 1), (2, 2), (3, NULL);
SELECT a, b FROM p WHERE (a, b) > (1, 2) ORDER BY a, b;
SELECT a, b FROM p WHERE (a, b) <= (2, 1) ORDER BY a, b;
SELECT (1, 2) < (1, 2, 3);
