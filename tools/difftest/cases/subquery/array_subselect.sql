CREATE TABLE t (id int, tag text, grp int);
INSERT INTO t VALUES (1, 'b', 1), (2, 'a', 1), (3, 'c', 2), (4, NULL, 2);

\pset null (null)
SELECT ARRAY(SELECT id FROM t ORDER BY id) AS ids;
SELECT ARRAY(SELECT tag FROM t ORDER BY tag) AS tags;
SELECT ARRAY(SELECT id FROM t WHERE false) AS none;
SELECT g.grp, ARRAY(SELECT t.tag FROM t WHERE t.grp = g.grp ORDER BY t.id) AS tags FROM (VALUES (1), (2), (3)) g(grp) ORDER BY g.grp;
SELECT ARRAY(SELECT ARRAY[id, grp] FROM t ORDER BY id) AS pairs;
SELECT cardinality(ARRAY(SELECT generate_series(1, 5))) AS n;
SELECT ARRAY(SELECT id, grp FROM t);
