-- TRUNCATE: a committed one forgets live/dead counts and its transaction's earlier changes
CREATE TABLE t (a int);
INSERT INTO t SELECT generate_series(1, 5);
DELETE FROM t WHERE a = 1;
SELECT pg_stat_force_next_flush();
SELECT n_tup_ins, n_tup_del, n_live_tup, n_dead_tup FROM pg_stat_user_tables WHERE relname = 't';
BEGIN;
INSERT INTO t VALUES (6), (7);
TRUNCATE t;
INSERT INTO t VALUES (8);
COMMIT;
SELECT pg_stat_force_next_flush();
SELECT n_tup_ins, n_tup_del, n_live_tup, n_dead_tup, n_mod_since_analyze, n_ins_since_vacuum
  FROM pg_stat_user_tables WHERE relname = 't';
BEGIN;
TRUNCATE t;
INSERT INTO t VALUES (9);
ROLLBACK;
SELECT pg_stat_force_next_flush();
SELECT n_tup_ins, n_live_tup, n_dead_tup FROM pg_stat_user_tables WHERE relname = 't';
