-- n_tup_ins/upd/del, n_live_tup, n_dead_tup after committed changes
CREATE TABLE t (id int, v text);
INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 20) i;
UPDATE t SET v = 'x' WHERE id <= 5;
DELETE FROM t WHERE id > 15;
INSERT INTO t VALUES (100, 'a');
SELECT pg_stat_force_next_flush();
SELECT relname, n_tup_ins, n_tup_upd, n_tup_del, n_live_tup, n_dead_tup,
       n_mod_since_analyze, n_ins_since_vacuum
  FROM pg_stat_user_tables WHERE relname = 't';
SELECT pg_stat_get_tuples_inserted('t'::regclass), pg_stat_get_tuples_updated('t'::regclass),
       pg_stat_get_tuples_deleted('t'::regclass), pg_stat_get_live_tuples('t'::regclass),
       pg_stat_get_dead_tuples('t'::regclass);
