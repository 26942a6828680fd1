CREATE TABLE t (id int, g text, v int, d date);
INSERT INTO t VALUES (1, 'a', 10, '2024-01-01'), (2, 'b', 20, '2024-01-02');

SELECT * FROM t, (SELECT t.id) s;
SELECT * FROM (SELECT x.id FROM t) s;
SELECT s.id FROM (SELECT id FROM t) s WHERE t.id = 1;
SELECT (SELECT t2.v FROM t t2 WHERE t2.id = t.nosuch) FROM t;
SELECT * FROM t WHERE id IN (SELECT id FROM t s WHERE s.id = q.id);
SELECT * FROM (SELECT 1 AS a) s, (SELECT s.a) r;
SELECT id FROM t t1 JOIN t t1 ON true;
