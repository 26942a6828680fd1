CREATE TABLE t (v int);
INSERT INTO t VALUES (1), (2), (3);
SELECT sum(v) FROM t HAVING sum(v) > 5;
SELECT sum(v) FROM t HAVING sum(v) > 100;
SELECT 'ok' AS r FROM t HAVING count(*) = 3;
SELECT count(*) FROM t WHERE v > 10 HAVING count(*) = 0;
SELECT max(v) FROM t HAVING min(v) = 1 AND max(v) = 3;
SELECT 1 AS x HAVING true;
