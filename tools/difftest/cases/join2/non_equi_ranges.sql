CREATE TABLE bands (lo int, hi int, label text);
CREATE TABLE scores (who text, pts int);
INSERT INTO bands VALUES (0, 49, 'F'), (50, 69, 'C'), (70, 89, 'B'), (90, 100, 'A');
INSERT INTO scores VALUES ('ann', 95), ('bob', 50), ('cat', 49), ('dan', 101), ('eve', NULL), ('fay', 70);
\pset null (null)
SELECT s.who, b.label FROM scores s JOIN bands b ON s.pts BETWEEN b.lo AND b.hi ORDER BY s.who;
SELECT s.who, b.label FROM scores s LEFT JOIN bands b ON s.pts BETWEEN b.lo AND b.hi ORDER BY s.who;
SELECT b.label, count(s.who) FROM bands b LEFT JOIN scores s ON s.pts >= b.lo AND s.pts <= b.hi GROUP BY b.label ORDER BY b.label;
SELECT s.who, b.label FROM scores s JOIN bands b ON s.pts > b.hi ORDER BY 1, 2;
SELECT s1.who, s2.who FROM scores s1 JOIN scores s2 ON abs(s1.pts - s2.pts) <= 1 AND s1.who < s2.who ORDER BY 1, 2;
