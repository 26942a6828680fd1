CREATE TABLE k (a int, b int);
INSERT INTO k VALUES (1, NULL), (1, 2), (NULL, 1), (NULL, NULL), (0, 5);
SELECT ROW(a, b) AS r FROM k ORDER BY 1;
SELECT ROW(a, b) AS r FROM k ORDER BY 1 DESC;
SELECT min(a), (SELECT max(ROW(a, b)::text) FROM k) FROM k;
SELECT count(DISTINCT ROW(a, b)) AS n, count(DISTINCT ROW(a)) AS na FROM k;
SELECT ROW(a, b) = ROW(1, 2) AS eq, ROW(a, b) IS NULL AS all_null FROM k ORDER BY a NULLS FIRST, b NULLS FIRST;
