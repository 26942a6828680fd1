-- ctid moves with an UPDATE; cmin counts commands in the transaction
CREATE TABLE t (a int, b text);
INSERT INTO t VALUES (1, 'x'), (2, 'y');
SELECT ctid, a FROM t ORDER BY a;
UPDATE t SET b = 'xx' WHERE a = 1;
SELECT ctid, a, b FROM t ORDER BY a;
BEGIN;
INSERT INTO t VALUES (3, 'z');
INSERT INTO t VALUES (4, 'w');
SELECT a, cmin, cmax FROM t ORDER BY a;
UPDATE t SET b = 'ww' WHERE a = 4;
SELECT a, cmin, ctid FROM t WHERE a >= 3 ORDER BY a;
COMMIT;
DELETE FROM t WHERE ctid = '(0,2)';
SELECT ctid, a FROM t ORDER BY a;
