CREATE TABLE t (id int, v text);
INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c');
SELECT ARRAY(SELECT v FROM t ORDER BY id DESC) AS arr;
SELECT ARRAY(SELECT id FROM t WHERE false) AS empty;
SELECT (SELECT ROW(id, v) FROM t WHERE id = 2) AS r;
SELECT id, ARRAY(SELECT t2.v FROM t t2 WHERE t2.id <= t.id ORDER BY t2.id) FROM t ORDER BY id;
SELECT array_length(ARRAY(SELECT generate_series(1, 5)), 1);
SELECT (SELECT v FROM t ORDER BY id LIMIT 1 OFFSET 1);
