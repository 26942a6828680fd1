-- a rebuilt unique index still refuses duplicates; a table with duplicates cannot get one
CREATE TABLE t (k int, v text);
INSERT INTO t SELECT g, 'a' FROM generate_series(1, 20) g;
CREATE UNIQUE INDEX t_k ON t (k);
UPDATE t SET v = 'b' WHERE k <= 10;
UPDATE t SET v = 'c' WHERE k <= 5;
VACUUM FULL t;
INSERT INTO t VALUES (3, 'dup');
REINDEX INDEX t_k;
INSERT INTO t VALUES (7, 'dup');
INSERT INTO t VALUES (21, 'ok');
SELECT v, count(*) FROM t GROUP BY v ORDER BY v;
DROP INDEX t_k;
INSERT INTO t VALUES (3, 'dup');
CREATE UNIQUE INDEX t_k ON t (k);
