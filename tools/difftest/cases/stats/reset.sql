-- pg_stat_reset_single_table_counters and pg_stat_reset
CREATE TABLE t (a int);
CREATE TABLE u (a int);
INSERT INTO t VALUES (1), (2);
INSERT INTO u VALUES (1);
SELECT pg_stat_force_next_flush();
SELECT relname, n_tup_ins, n_live_tup FROM pg_stat_user_tables ORDER BY relname;
SELECT pg_stat_reset_single_table_counters('t'::regclass);
SELECT relname, n_tup_ins, n_live_tup FROM pg_stat_user_tables ORDER BY relname;
SELECT stats_reset IS NOT NULL AS was_reset FROM pg_stat_database WHERE datname = current_database();
SELECT pg_stat_reset();
SELECT relname, n_tup_ins, n_live_tup, seq_scan FROM pg_stat_user_tables ORDER BY relname;
