CREATE TABLE t (id int, b boolean, j jsonb, arr int[], ts timestamp);
INSERT INTO t VALUES (1, true, '{"a":1}', '{1}', '2024-01-01 10:00'), (2, false, '[1]', '{2}', '2024-01-01 11:00'), (3, true, 'null', '{}', '2024-01-02 09:00');
SELECT id, bool_and(b) OVER (ORDER BY id), bool_or(NOT b) OVER (ORDER BY id) FROM t ORDER BY id;
SELECT id, jsonb_agg(j) OVER (ORDER BY id) FROM t ORDER BY id;
SELECT id, array_agg(arr) OVER (ORDER BY id ROWS 1 PRECEDING) FROM t WHERE id < 3 ORDER BY id;
SELECT id, ts - lag(ts) OVER (ORDER BY ts) AS gap FROM t ORDER BY id;
SELECT id, max(ts) OVER (PARTITION BY ts::date) FROM t ORDER BY id;
