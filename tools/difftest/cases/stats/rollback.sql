-- an aborted transaction's inserts and updates count as attempted and leave dead rows
CREATE TABLE t (a int, b int);
INSERT INTO t SELECT i, 0 FROM generate_series(1, 10) i;
BEGIN;
INSERT INTO t VALUES (11, 0), (12, 0), (13, 0);
UPDATE t SET b = 1 WHERE a <= 4;
DELETE FROM t WHERE a = 10;
ROLLBACK;
SELECT pg_stat_force_next_flush();
SELECT n_tup_ins, n_tup_upd, n_tup_del, n_live_tup, n_dead_tup, n_mod_since_analyze
  FROM pg_stat_user_tables WHERE relname = 't';
BEGIN;
INSERT INTO t VALUES (20, 0);
SELECT 1/0;
COMMIT;
SELECT pg_stat_force_next_flush();
SELECT n_tup_ins, n_live_tup, n_dead_tup FROM pg_stat_user_tables WHERE relname = 't';
