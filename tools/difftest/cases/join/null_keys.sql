CREATE TABLE a (k int, v text);
CREATE TABLE b (k int, w text);
INSERT INTO a VALUES (1, 'a1'), (NULL, 'anull'), (2, 'a2'), (NULL, 'anull2');
INSERT INTO b VALUES (1, 'b1'), (NULL, 'bnull'), (3, 'b3');

\pset null <NULL>
SELECT a.v, b.w FROM a JOIN b ON a.k = b.k ORDER BY 1, 2;
SELECT a.v, b.w FROM a JOIN b ON a.k IS NOT DISTINCT FROM b.k ORDER BY 1, 2;
SELECT a.v, b.w FROM a LEFT JOIN b ON a.k = b.k ORDER BY 1, 2;
SELECT a.v, b.w FROM a RIGHT JOIN b ON a.k = b.k ORDER BY 1, 2;
SELECT a.v, b.w FROM a FULL JOIN b ON a.k = b.k ORDER BY 1, 2;
SELECT k, v, w FROM a FULL JOIN b USING (k) ORDER BY 1, 2, 3;
SELECT a.v, b.w FROM a JOIN b ON coalesce(a.k, -1) = coalesce(b.k, -1) ORDER BY 1, 2;
SELECT count(*) FROM a JOIN b ON a.k <> b.k;
