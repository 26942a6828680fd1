CREATE TABLE a (x int, y text);
CREATE TABLE b (x int, y text);
INSERT INTO a VALUES (1, 'p'), (2, 'q'), (3, NULL), (4, 's');
INSERT INTO b VALUES (1, 'p'), (2, 'z'), (3, NULL), (NULL, 's');
\pset null (null)
SELECT x, y FROM a WHERE (x, y) IN (SELECT x, y FROM b) ORDER BY x;
SELECT x, y FROM a WHERE (x, y) NOT IN (SELECT x, y FROM b) ORDER BY x;
SELECT x, (x, y) IN (SELECT x, y FROM b) AS r FROM a ORDER BY x;
SELECT x FROM a WHERE (x, y) IN (VALUES (1, 'p'), (4, 's')) ORDER BY x;
SELECT x FROM a WHERE (x, y) = ANY (SELECT x, y FROM b WHERE b.x IS NOT NULL) ORDER BY x;
SELECT x FROM a WHERE (y, x) IN (SELECT y, x + 0 FROM b) ORDER BY x;
