-- savepoints: a rolled-back subtransaction's rows are dead, a released one's are the parent's
CREATE TABLE t (a int, b text);
BEGIN;
INSERT INTO t VALUES (1, 'a'), (2, 'b');
SAVEPOINT s1;
INSERT INTO t VALUES (3, 'c');
UPDATE t SET b = 'x' WHERE a = 1;
ROLLBACK TO SAVEPOINT s1;
DELETE FROM t WHERE a = 2;
SAVEPOINT s2;
INSERT INTO t VALUES (4, 'd'), (5, 'e');
RELEASE SAVEPOINT s2;
COMMIT;
SELECT pg_stat_force_next_flush();
SELECT n_tup_ins, n_tup_upd, n_tup_del, n_live_tup, n_dead_tup, n_mod_since_analyze
  FROM pg_stat_user_tables WHERE relname = 't';
SELECT a, b FROM t ORDER BY a;
