CREATE TABLE c (a int, b text);
INSERT INTO c VALUES (1, 'x'), (2, 'y'), (2, 'y'), (3, NULL);
SELECT count(DISTINCT c) FROM c;
SELECT c, count(*) FROM c GROUP BY c ORDER BY c;
SELECT c1.a, c2.a FROM c c1, c c2 WHERE c1 = c2 AND c1.a < 3 ORDER BY 1, 2;
SELECT DISTINCT c FROM c ORDER BY c DESC;
