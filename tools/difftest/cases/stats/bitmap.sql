-- a bitmap heap scan's rows count in the table's idx_tup_fetch, the index's TIDs in idx_tup_read
CREATE TABLE t (id int PRIMARY KEY, v int);
INSERT INTO t SELECT i, i % 5 FROM generate_series(1, 40) i;
CREATE INDEX t_v ON t (v);
SET enable_seqscan = off;
SET enable_indexscan = off;
SELECT count(*) FROM t WHERE v = 3;
SELECT count(*) FROM t WHERE v IN (1, 2);
RESET ALL;
SELECT pg_stat_force_next_flush();
SELECT seq_scan, seq_tup_read, idx_scan, idx_tup_fetch FROM pg_stat_user_tables WHERE relname = 't';
SELECT indexrelname, idx_scan, idx_tup_read, idx_tup_fetch
  FROM pg_stat_user_indexes ORDER BY indexrelname;
