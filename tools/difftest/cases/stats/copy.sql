-- COPY FROM counts its rows in n_tup_ins, COPY TO is a sequential scan
CREATE TABLE t (a int, b text);
CREATE TABLE u (a int PRIMARY KEY, b text);
COPY t FROM STDIN;
1	one
2	two
3	three
\.
COPY u FROM STDIN;
1	one
2	two
\.
COPY t TO STDOUT;
SELECT pg_stat_force_next_flush();
SELECT relname, seq_scan, seq_tup_read, n_tup_ins, n_live_tup FROM pg_stat_user_tables ORDER BY relname;
