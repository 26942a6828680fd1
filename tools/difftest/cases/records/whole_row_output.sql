CREATE TABLE t (id int, name text, note text);
INSERT INTO t VALUES (1, 'one', NULL), (2, 'two words', ''), (3, 'q"uote', 'x,y');
SELECT t FROM t ORDER BY id;
SELECT t.* AS star, t FROM t WHERE id = 1;
SELECT x FROM t AS x ORDER BY x.id;
SELECT ROW(t.*) AS r FROM t ORDER BY id;
SELECT s FROM (SELECT id, id * 2 AS twice FROM t) s ORDER BY s;
SELECT v FROM (VALUES (1, 'a'), (2, NULL)) v ORDER BY 1;
