CREATE TABLE t (id int, v text);
INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c');
UPDATE t SET v = v || '!' WHERE id >= 2 RETURNING *;
UPDATE t SET v = 'z' WHERE id = 99 RETURNING id;
UPDATE t SET v = upper(v) WHERE id = 1 RETURNING id, v AS new_v;
SELECT * FROM t ORDER BY id;
