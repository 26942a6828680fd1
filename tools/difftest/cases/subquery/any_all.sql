CREATE TABLE t (id int, v int);
CREATE TABLE s (v int);
INSERT INTO t VALUES (1, 5), (2, 15), (3, 25), (4, NULL);
INSERT INTO s VALUES (10), (20);

\pset null (null)
SELECT id FROM t WHERE v > ANY (SELECT v FROM s) ORDER BY id;
SELECT id FROM t WHERE v > ALL (SELECT v FROM s) ORDER BY id;
SELECT id FROM t WHERE v < SOME (SELECT v FROM s) ORDER BY id;
SELECT id, v = ANY (SELECT v FROM s) AS eq_any, v <> ALL (SELECT v FROM s) AS ne_all FROM t ORDER BY id;
SELECT id, v > ALL (SELECT v FROM s WHERE false) AS vacuous FROM t ORDER BY id;
INSERT INTO s VALUES (NULL);
SELECT id, v > ANY (SELECT v FROM s) AS gt_any, v > ALL (SELECT v FROM s) AS gt_all FROM t ORDER BY id;
SELECT id FROM t WHERE v = ANY (ARRAY[5, 25]) ORDER BY id;
SELECT id FROM t WHERE v <> ALL (ARRAY[5, 25]) ORDER BY id;
SELECT id, v = ANY ('{15,NULL}'::int[]) AS a FROM t ORDER BY id;
SELECT id FROM t WHERE v = ANY (SELECT v, v FROM s);
SELECT id FROM t WHERE v = ANY (SELECT 'x'::text);
