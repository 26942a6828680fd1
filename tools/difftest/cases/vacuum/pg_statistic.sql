-- pg_statistic rows written by ANALYZE: kinds, operators, collations; transactional; removed with the column and table
CREATE TABLE ps (a int, b text, c int, d varchar(10), e bool) WITH (autovacuum_enabled = off);
INSERT INTO ps SELECT i, CASE WHEN i % 4 = 0 THEN NULL ELSE 'v' || (i % 7) END, i % 3, 'k' || (i % 50), i % 5 = 0 FROM generate_series(1, 1000) i;
SELECT count(*) FROM pg_statistic WHERE starelid = 'ps'::regclass;
BEGIN;
ANALYZE ps;
SELECT count(*) FROM pg_statistic WHERE starelid = 'ps'::regclass;
ROLLBACK;
SELECT count(*) FROM pg_statistic WHERE starelid = 'ps'::regclass;
ANALYZE ps;
SELECT staattnum, stainherit, stanullfrac, stawidth, stadistinct, stakind1, stakind2, stakind3, stakind4, staop1, staop2, staop3, stacoll1, stacoll2, stacoll3 FROM pg_statistic WHERE starelid = 'ps'::regclass ORDER BY 1;
SELECT staattnum, stanumbers1::text FROM pg_statistic WHERE starelid = 'ps'::regclass AND stakind1 = 1 ORDER BY 1;
ANALYZE ps (a);
SELECT count(*) FROM pg_statistic WHERE starelid = 'ps'::regclass;
ALTER TABLE ps DROP COLUMN b;
SELECT staattnum FROM pg_statistic WHERE starelid = 'ps'::regclass ORDER BY 1;
SELECT attname, most_common_vals::text, most_common_freqs::text FROM pg_stats WHERE tablename = 'ps' AND attname IN ('c', 'e') ORDER BY 1;
DROP TABLE ps;
SELECT count(*) FROM pg_statistic s LEFT JOIN pg_class c ON c.oid = s.starelid WHERE c.oid IS NULL;
