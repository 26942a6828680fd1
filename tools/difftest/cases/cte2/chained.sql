CREATE TABLE t (id int, v int);
INSERT INTO t SELECT i, i * i FROM generate_series(1, 6) i;
WITH a AS (SELECT id, v FROM t WHERE v > 4), b AS (SELECT id, v * 2 AS v2 FROM a), c AS (SELECT sum(v2) AS s FROM b) SELECT * FROM c;
WITH a AS (SELECT id FROM t), b AS (SELECT id FROM a WHERE id % 2 = 0) SELECT a.id, b.id IS NOT NULL AS even FROM a LEFT JOIN b USING (id) ORDER BY a.id;
WITH x AS (SELECT 1 AS n), y AS (SELECT n + 1 AS n FROM x), z AS (SELECT n + 1 AS n FROM y) SELECT * FROM x UNION ALL SELECT * FROM y UNION ALL SELECT * FROM z ORDER BY n;
WITH a AS (SELECT max(v) AS m FROM t) SELECT id FROM t, a WHERE t.v = a.m;
WITH a(x, y) AS (SELECT id, v FROM t) SELECT x, y FROM a WHERE x < 3 ORDER BY x;
