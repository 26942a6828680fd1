-- HOT updates: an update that changes no indexed column and fits on its page
CREATE TABLE t (id int PRIMARY KEY, k int, v int);
CREATE INDEX t_k ON t (k);
INSERT INTO t SELECT i, i, i FROM generate_series(1, 10) i;
UPDATE t SET v = v + 1 WHERE id <= 4;
UPDATE t SET k = k + 100 WHERE id = 5;
UPDATE t SET id = id + 100 WHERE id = 6;
SELECT pg_stat_force_next_flush();
SELECT n_tup_upd, n_tup_hot_upd, n_live_tup, n_dead_tup FROM pg_stat_user_tables WHERE relname = 't';
