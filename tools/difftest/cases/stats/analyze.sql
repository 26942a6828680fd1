-- ANALYZE sets n_live_tup and n_dead_tup from what it read and zeroes n_mod_since_analyze
CREATE TABLE t (a int);
INSERT INTO t SELECT generate_series(1, 30);
DELETE FROM t WHERE a <= 10;
SELECT pg_stat_force_next_flush();
ANALYZE t;
SELECT n_live_tup, n_dead_tup, n_mod_since_analyze, analyze_count,
       last_analyze IS NOT NULL AS analyzed, last_autoanalyze, autoanalyze_count
  FROM pg_stat_user_tables WHERE relname = 't';
INSERT INTO t VALUES (31);
SELECT pg_stat_force_next_flush();
BEGIN;
DELETE FROM t WHERE a = 11;
INSERT INTO t VALUES (32), (33);
ANALYZE t;
COMMIT;
SELECT pg_stat_force_next_flush();
SELECT n_live_tup, n_dead_tup, n_mod_since_analyze, analyze_count
  FROM pg_stat_user_tables WHERE relname = 't';
