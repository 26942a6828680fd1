CREATE TABLE x (k int, xv text);
CREATE TABLE y (k int, yv text);
CREATE TABLE z (k int, zv text);
INSERT INTO x VALUES (1, 'x1'), (2, 'x2');
INSERT INTO y VALUES (2, 'y2'), (3, 'y3');
INSERT INTO z VALUES (3, 'z3'), (4, 'z4'), (2, 'z2');
\pset null ~
SELECT x.xv, y.yv FROM x RIGHT JOIN y ON x.k = y.k ORDER BY y.k;
SELECT x.xv, y.yv, z.zv FROM x RIGHT JOIN y ON x.k = y.k RIGHT JOIN z ON y.k = z.k ORDER BY z.k;
SELECT x.xv, y.yv, z.zv FROM x RIGHT JOIN (y RIGHT JOIN z ON y.k = z.k) ON x.k = z.k ORDER BY z.k;
SELECT coalesce(x.k, y.k) AS k, x.xv, y.yv FROM x RIGHT OUTER JOIN y USING (k) ORDER BY 1;
SELECT k, xv, yv FROM x RIGHT JOIN y USING (k) ORDER BY k;
SELECT count(*), count(x.k), count(y.k) FROM x RIGHT JOIN y ON true;
