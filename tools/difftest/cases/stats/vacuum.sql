-- VACUUM sets n_live_tup, n_dead_tup, vacuum_count and last_vacuum, and zeroes n_ins_since_vacuum
CREATE TABLE t (a int, b text);
INSERT INTO t SELECT i, 'x' FROM generate_series(1, 50) i;
DELETE FROM t WHERE a % 5 = 0;
UPDATE t SET b = 'y' WHERE a <= 5;
SELECT pg_stat_force_next_flush();
SELECT n_live_tup, n_dead_tup, n_ins_since_vacuum, vacuum_count, last_vacuum IS NULL AS never
  FROM pg_stat_user_tables WHERE relname = 't';
VACUUM t;
SELECT n_live_tup, n_dead_tup, n_ins_since_vacuum, n_mod_since_analyze, vacuum_count,
       last_vacuum IS NOT NULL AS vacuumed, last_vacuum <= now() AS past, autovacuum_count
  FROM pg_stat_user_tables WHERE relname = 't';
INSERT INTO t VALUES (100, 'z');
SELECT pg_stat_force_next_flush();
VACUUM t;
SELECT pg_stat_force_next_flush();
SELECT n_live_tup, n_dead_tup, n_ins_since_vacuum, vacuum_count FROM pg_stat_user_tables WHERE relname = 't';
