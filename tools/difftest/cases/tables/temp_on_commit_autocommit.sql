-- ON COMMIT actions outside a transaction block: each statement commits
CREATE TEMP TABLE log (n int) ON COMMIT DELETE ROWS;
INSERT INTO log VALUES (1), (2);
SELECT count(*) FROM log;
INSERT INTO log VALUES (3) RETURNING n;
WITH w AS (INSERT INTO log VALUES (4) RETURNING n) SELECT n FROM w;
SELECT count(*) FROM log;
CREATE TEMP TABLE once (n int) ON COMMIT DROP;
SELECT count(*) FROM pg_class WHERE relname = 'once';
CREATE TEMP TABLE log2 (n int) ON COMMIT DELETE ROWS;
BEGIN;
INSERT INTO log VALUES (5);
INSERT INTO log2 VALUES (6);
SELECT (SELECT count(*) FROM log) AS log, (SELECT count(*) FROM log2) AS log2;
COMMIT;
SELECT (SELECT count(*) FROM log) AS log, (SELECT count(*) FROM log2) AS log2;
DROP TABLE log2;
INSERT INTO log VALUES (7);
SELECT count(*) FROM log;
