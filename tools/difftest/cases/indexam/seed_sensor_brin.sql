-- the seed's sensor table: timestamps inserted in order, a BRIN index, range predicates
CREATE TABLE sensor (ts timestamptz, value float8);
INSERT INTO sensor SELECT '2024-01-01'::timestamptz + g * interval '1 minute', g % 100 FROM generate_series(1, 100000) g;
CREATE INDEX sensor_ts_brin ON sensor USING brin (ts);
ANALYZE sensor;
EXPLAIN (COSTS OFF) SELECT * FROM sensor WHERE ts >= '2024-02-01' AND ts < '2024-02-02';
SELECT count(*), min(ts), max(ts) FROM sensor WHERE ts >= '2024-02-01' AND ts < '2024-02-02';
EXPLAIN (COSTS OFF) SELECT * FROM sensor WHERE ts < '2024-01-02';
SELECT count(*) FROM sensor WHERE ts < '2024-01-02';
SELECT pg_get_indexdef('sensor_ts_brin'::regclass);
