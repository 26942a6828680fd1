CREATE TABLE t (id int, pri text);
INSERT INTO t VALUES (1, 'low'), (2, 'high'), (3, 'mid'), (4, 'high');
SELECT id, pri FROM t ORDER BY CASE pri WHEN 'high' THEN 1 WHEN 'mid' THEN 2 ELSE 3 END, id;
SELECT id FROM t WHERE CASE WHEN pri = 'high' THEN true ELSE false END ORDER BY id;
UPDATE t SET pri = CASE WHEN id % 2 = 0 THEN 'even' ELSE pri END;
SELECT * FROM t ORDER BY id;
