-- stats_fetch_consistency: a transaction's own changes are counted at its end; cached reads
SHOW stats_fetch_consistency;
CREATE TABLE t (a int);
BEGIN;
SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 't';
INSERT INTO t VALUES (1), (2);
SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 't';
SELECT pg_stat_clear_snapshot();
SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 't';
SELECT pg_stat_get_snapshot_timestamp() IS NULL AS no_snapshot;
COMMIT;
SELECT pg_stat_force_next_flush();
SELECT n_tup_ins, n_live_tup FROM pg_stat_user_tables WHERE relname = 't';
SET stats_fetch_consistency = snapshot;
BEGIN;
SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 't';
SELECT pg_stat_get_snapshot_timestamp() IS NOT NULL AS snapshot_taken;
COMMIT;
SET stats_fetch_consistency = nonsense;
