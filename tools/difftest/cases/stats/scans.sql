-- seq_scan, seq_tup_read, idx_scan, idx_tup_fetch and the index's idx_tup_read
CREATE TABLE t (id int PRIMARY KEY, v int);
CREATE TABLE n (a int);
INSERT INTO t SELECT i, i % 7 FROM generate_series(1, 30) i;
INSERT INTO n VALUES (1);
SELECT count(*) FROM t;
SELECT count(*) FROM t WHERE v = 3;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SELECT v FROM t WHERE id = 7;
SELECT count(*) FROM t WHERE id IN (1, 2, 3, 1000);
SELECT count(*) FROM t WHERE id BETWEEN 10 AND 14;
SELECT count(*) FROM t WHERE id = NULL;
RESET enable_seqscan;
RESET enable_bitmapscan;
SELECT pg_stat_force_next_flush();
SELECT relname, seq_scan, seq_tup_read, idx_scan, idx_tup_fetch
  FROM pg_stat_user_tables ORDER BY relname;
SELECT relname, indexrelname, idx_scan, idx_tup_read, idx_tup_fetch
  FROM pg_stat_user_indexes ORDER BY indexrelname;
