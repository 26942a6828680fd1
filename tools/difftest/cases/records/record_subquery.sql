CREATE TABLE t (id int, v text);
INSERT INTO t VALUES (1, 'a'), (2, 'b');
SELECT (SELECT ROW(id, v) FROM t WHERE id = 2) AS r;
SELECT (SELECT ROW(id, v) FROM t WHERE id = 3) AS missing;
SELECT ARRAY(SELECT ROW(id, v) FROM t ORDER BY id) AS rows;
SELECT array_agg((id, v) ORDER BY id) AS agg FROM t;
SELECT id, (SELECT t2 FROM t t2 WHERE t2.id = t.id + 1) AS next FROM t ORDER BY id;
