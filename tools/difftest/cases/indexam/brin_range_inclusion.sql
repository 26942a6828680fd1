-- BRIN range_inclusion_ops: summaries widen on insert, new ranges are summarised on request, desummarised ranges still match
CREATE TABLE sensor (id int, valid tsrange, span daterange) WITH (autovacuum_enabled = off);
INSERT INTO sensor SELECT g, tsrange('2024-01-01'::timestamp + g * interval '1 hour', '2024-01-01'::timestamp + (g + 2) * interval '1 hour'),
  CASE WHEN g % 10 = 0 THEN 'empty'::daterange ELSE daterange('2024-01-01'::date + g / 24, '2024-01-01'::date + g / 24 + 3) END
  FROM generate_series(1, 2000) g;
CREATE INDEX sensor_valid ON sensor USING brin (valid, span) WITH (pages_per_range = 2);
SELECT indexdef FROM pg_indexes WHERE indexname = 'sensor_valid';
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM sensor WHERE valid @> '2024-02-01 00:30'::timestamp;
SELECT id FROM sensor WHERE valid @> '2024-02-01 00:30'::timestamp ORDER BY id;
SELECT count(*) FROM sensor WHERE span <@ '[2024-01-10,2024-01-20)';
SELECT count(*) FROM sensor WHERE span = 'empty';
INSERT INTO sensor VALUES (5000, '[2023-06-01,2023-06-02)', '[2023-06-01,2023-06-05)');
SELECT id FROM sensor WHERE valid && '[2023-05-01,2023-07-01)' ORDER BY id;
INSERT INTO sensor SELECT g, tsrange('2025-01-01'::timestamp + g * interval '1 minute', NULL), NULL FROM generate_series(1, 500) g;
SELECT brin_summarize_new_values('sensor_valid') > 0;
SELECT count(*) FROM sensor WHERE valid >> '[2024-12-31,2025-01-01)';
SELECT count(*) FROM sensor WHERE span IS NULL;
SELECT brin_desummarize_range('sensor_valid', 0);
SELECT id FROM sensor WHERE valid && '[2024-01-01 01:00,2024-01-01 03:00)' ORDER BY id;
RESET enable_seqscan;
SET enable_bitmapscan = off;
SELECT id FROM sensor WHERE valid && '[2024-01-01 01:00,2024-01-01 03:00)' ORDER BY id;
SELECT count(*) FROM sensor WHERE span <@ '[2024-01-10,2024-01-20)';
DROP TABLE sensor;
