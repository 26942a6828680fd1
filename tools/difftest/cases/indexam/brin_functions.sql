-- brin_summarize_new_values, brin_summarize_range, brin_desummarize_range
CREATE TABLE t (n int);
INSERT INTO t SELECT g FROM generate_series(1, 1000) g;
CREATE INDEX t_n_brin ON t USING brin (n) WITH (pages_per_range = 1);
SELECT brin_summarize_new_values('t_n_brin');
INSERT INTO t SELECT g FROM generate_series(1001, 3000) g;
SELECT brin_summarize_new_values('t_n_brin') > 0;
SELECT brin_summarize_new_values('t_n_brin');
SELECT brin_desummarize_range('t_n_brin', 0);
SELECT brin_summarize_range('t_n_brin', 0);
SELECT brin_summarize_range('t_n_brin', 0);
SELECT brin_summarize_range('t_n_brin', 100000);
SELECT brin_summarize_range('t_n_brin', -1);
SELECT brin_summarize_new_values('t');
CREATE INDEX t_n_hash ON t USING hash (n);
SELECT brin_summarize_new_values('t_n_hash');
SET enable_seqscan = off;
SELECT count(*) FROM t WHERE n BETWEEN 995 AND 1005;
