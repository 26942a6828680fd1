SELECT 1;
SELECT 'hello';
SELECT 1 AS a, 'b' AS b, true AS c, NULL AS d, 1.5 AS e;
SELECT 1, 2, 3;
