CREATE TABLE t (n int);
INSERT INTO t VALUES (-1), (0), (1), (NULL);
SELECT n, CASE WHEN n < 0 THEN 'neg' WHEN n = 0 THEN 'zero' WHEN n > 0 THEN 'pos' ELSE 'null' END AS sign FROM t ORDER BY n NULLS LAST;
SELECT n, CASE WHEN n > 0 THEN 'pos' END AS only_pos FROM t ORDER BY n NULLS LAST;
