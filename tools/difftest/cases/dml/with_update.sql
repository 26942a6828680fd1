CREATE TABLE t (id int, v int);
INSERT INTO t VALUES (1, 10), (2, 20), (3, 30), (4, 40);
WITH big AS (SELECT id FROM t WHERE v > 15) UPDATE t SET v = v + 1 WHERE id IN (SELECT id FROM big);
SELECT * FROM t ORDER BY id;
WITH avg_v AS (SELECT avg(v) AS a FROM t) UPDATE t SET v = 0 FROM avg_v WHERE t.v < avg_v.a RETURNING t.id;
SELECT * FROM t ORDER BY id;
WITH RECURSIVE ids(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM ids WHERE n < 2) UPDATE t SET v = -n FROM ids WHERE ids.n = t.id;
SELECT * FROM t ORDER BY id;
WITH x AS (SELECT 3 AS id) UPDATE t SET v = (SELECT id * 100 FROM x) WHERE id = (SELECT id FROM x) RETURNING *;
