CREATE TABLE t (id int, v text);
INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c');
WITH d(k, val) AS (DELETE FROM t WHERE id = 1 RETURNING id, v) SELECT k, val FROM d;
WITH d(k, val, extra) AS (DELETE FROM t WHERE id = 2 RETURNING id, v) SELECT * FROM d;
WITH u AS (UPDATE t SET v = v || '!' RETURNING id * 2 AS twice, upper(v) AS up) SELECT twice, up FROM u ORDER BY twice;
WITH i AS (INSERT INTO t VALUES (4, 'd'), (5, 'e') RETURNING *) SELECT max(id), string_agg(v, '' ORDER BY v) FROM i;
WITH i AS (INSERT INTO t VALUES (6, 'f') RETURNING id) SELECT * FROM t WHERE id IN (SELECT id FROM i);
SELECT * FROM t ORDER BY id;
