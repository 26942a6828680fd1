CREATE TABLE t1 (id int, v int);
CREATE TABLE t2 (id int, flag text);
INSERT INTO t1 VALUES (1, 10), (2, 20), (3, 30), (4, 40);
INSERT INTO t2 VALUES (1, 'x'), (2, 'y'), (3, NULL);

\pset null (null)
SELECT t1.id, t2.flag FROM t1 LEFT JOIN t2 ON t1.id = t2.id AND t2.flag = 'x' ORDER BY t1.id;
SELECT t1.id, t2.flag FROM t1 LEFT JOIN t2 ON t1.id = t2.id WHERE t2.flag = 'x' ORDER BY t1.id;
SELECT t1.id, t2.flag FROM t1 LEFT JOIN t2 ON t1.id = t2.id AND t1.v > 15 ORDER BY t1.id;
SELECT t1.id, t2.flag FROM t1 LEFT JOIN t2 ON t1.id = t2.id WHERE t1.v > 15 ORDER BY t1.id;
SELECT t1.id, t2.flag FROM t1 LEFT JOIN t2 ON t1.id = t2.id WHERE t2.flag IS NULL ORDER BY t1.id;
SELECT t1.id, t2.flag FROM t1 LEFT JOIN t2 ON t1.id = t2.id WHERE t2.id IS NULL ORDER BY t1.id;
SELECT t1.id, t2.flag FROM t1 FULL JOIN t2 ON t1.id = t2.id AND t1.v < 25 ORDER BY t1.id, t2.id;
SELECT t1.id, t2.flag FROM t1 RIGHT JOIN t2 ON t1.id = t2.id AND t1.v > 15 ORDER BY t2.id;
SELECT t1.id, t2.flag FROM t1 LEFT JOIN t2 ON t1.id = t2.id WHERE coalesce(t2.flag, 'none') <> 'y' ORDER BY t1.id;
