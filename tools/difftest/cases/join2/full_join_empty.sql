CREATE TABLE e (k int, v text);
CREATE TABLE f (k int, v text);
INSERT INTO f VALUES (1, 'one'), (2, 'two');
\pset null (null)
SELECT e.k, f.k, f.v FROM e FULL JOIN f ON e.k = f.k ORDER BY f.k;
SELECT e.k, f.k FROM f FULL JOIN e ON e.k = f.k ORDER BY f.k;
SELECT * FROM e FULL JOIN e AS e2 USING (k);
SELECT count(*) FROM e LEFT JOIN f ON true;
SELECT count(*) FROM f LEFT JOIN e ON true;
SELECT f.v, e.v FROM f LEFT JOIN e USING (k) ORDER BY f.v;
SELECT * FROM e JOIN f USING (k);
SELECT * FROM e CROSS JOIN f;
