CREATE TABLE p (id int, grp text, name text, score int);
INSERT INTO p VALUES (1, 'x', 'cat', 3), (2, 'x', 'ant', 1), (3, 'y', 'dog', NULL), (4, 'y', NULL, 2), (5, 'x', 'bee', 2), (6, 'z', 'eel', 5);

\pset null (null)
SELECT string_agg(name, ',' ORDER BY name) FROM p;
SELECT grp, string_agg(name, '; ' ORDER BY id DESC) FROM p GROUP BY grp ORDER BY grp;
SELECT array_agg(id ORDER BY id) FROM p;
SELECT grp, array_agg(score ORDER BY score NULLS FIRST) FROM p GROUP BY grp ORDER BY grp;
SELECT array_agg(name ORDER BY score DESC NULLS LAST, name) FROM p;
SELECT string_agg(DISTINCT grp, '|' ORDER BY grp) FROM p;
SELECT array_agg(DISTINCT score ORDER BY score) FROM p;
SELECT string_agg(name, ',' ORDER BY name) FROM p WHERE false;
SELECT array_agg(id ORDER BY id) FROM p WHERE false;
SELECT array_agg(ARRAY[id, score] ORDER BY id) FROM p WHERE grp = 'x';
SELECT string_agg(name || ':' || score, ' ' ORDER BY id) FROM p;
SELECT string_agg(DISTINCT name, ',' ORDER BY id) FROM p;
