-- cmin/cmax count the commands of the inserting transaction
CREATE TABLE t (a int);
BEGIN;
INSERT INTO t VALUES (1);
INSERT INTO t VALUES (2);
INSERT INTO t SELECT 3;
SELECT a, cmin, cmax FROM t ORDER BY a;
SELECT count(*) FROM t WHERE xmin = (SELECT xmin FROM t WHERE a = 1);
COMMIT;
SELECT a, cmin FROM t ORDER BY a;
SELECT count(DISTINCT xmin::text) FROM t;
SELECT a, xmax = 0 AS live FROM t ORDER BY a;
