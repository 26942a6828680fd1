\pset null (null)
VALUES (1, 'one'), (2, 'two'), (3, 'three') ORDER BY 1;
VALUES (3), (1), (2) ORDER BY 1;
VALUES (1, 'a'), (2, 'b') ORDER BY column1 DESC LIMIT 1;
SELECT * FROM (VALUES (1, 'a'), (2, NULL)) AS t(id, tag) ORDER BY id;
SELECT t.id * 10 FROM (VALUES (1), (2)) t(id) ORDER BY 1;
SELECT * FROM (VALUES (1, 2.5), (2, 3)) v(a, b) ORDER BY a;
SELECT pg_typeof(column1), pg_typeof(column2) FROM (VALUES (1, NULL), (2, 'x')) v LIMIT 1;
SELECT * FROM (VALUES (1), (1), (2)) v(x) UNION SELECT 3 ORDER BY 1;
CREATE TABLE t (id int, name text);
INSERT INTO t VALUES (1, 'a'), (2, 'b');
SELECT t.name, v.label FROM t JOIN (VALUES (1, 'first'), (2, 'second'), (3, 'third')) v(id, label) USING (id) ORDER BY t.id;
SELECT * FROM (VALUES (1, 2), (3)) v;
SELECT * FROM (VALUES (1), ('x')) v;
VALUES (1, 2), (3, 4), (5, 6) ORDER BY column2 DESC OFFSET 1;
SELECT * FROM (VALUES (1, 'a')) v(a, b, c);
