-- VACUUM ANALYZE: vacuum, then the statistics ANALYZE computes
CREATE TABLE t (id int, grp int, note text) WITH (autovacuum_enabled = off);
INSERT INTO t SELECT g, g % 4, CASE WHEN g % 10 = 0 THEN NULL ELSE 'n' END FROM generate_series(1, 1000) g;
DELETE FROM t WHERE id > 800;
VACUUM ANALYZE t;
SELECT relpages, reltuples, relallvisible FROM pg_class WHERE relname = 't';
SELECT attname, null_frac, n_distinct FROM pg_stats WHERE tablename = 't' ORDER BY attname;
VACUUM (ANALYZE) t (grp);
SELECT attname FROM pg_stats WHERE tablename = 't' ORDER BY attname;
