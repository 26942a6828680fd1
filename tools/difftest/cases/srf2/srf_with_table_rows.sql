CREATE TABLE t (id int, n int);
INSERT INTO t VALUES (1, 2), (2, 0), (3, 3);
SELECT id, generate_series(1, n) AS k FROM t ORDER BY id, k;
SELECT id, generate_series(1, n) FROM t WHERE id = 2;
SELECT id, count(*) FROM (SELECT id, generate_series(1, n) FROM t) s GROUP BY id ORDER BY id;
SELECT sum(k) FROM (SELECT generate_series(1, n) AS k FROM t) s;
SELECT id, unnest(ARRAY[id, n]) AS v FROM t ORDER BY id, v;
