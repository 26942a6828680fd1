CREATE TABLE t (b boolean, d date, ts timestamp, n numeric, arr int[], j jsonb);
INSERT INTO t VALUES (true, '2024-01-01', '2024-01-01 10:00', 1.0, '{1}', '{"a":1}'), (true, '2024-01-01', '2024-01-01 10:00:00', 1.00, '{1}', '{"a": 1}'), (false, NULL, NULL, 2, '{1,2}', '[1]'), (NULL, '2024-01-02', '2024-01-02', NULL, NULL, NULL);
\pset null (null)
SELECT b, count(*) FROM t GROUP BY b ORDER BY b NULLS LAST;
SELECT d, count(*) FROM t GROUP BY d ORDER BY d NULLS LAST;
SELECT ts, count(*) FROM t GROUP BY ts ORDER BY ts NULLS LAST;
SELECT n, count(*) FROM t GROUP BY n ORDER BY n NULLS LAST;
SELECT arr, count(*) FROM t GROUP BY arr ORDER BY arr NULLS LAST;
SELECT j, count(*) FROM t GROUP BY j ORDER BY j NULLS LAST;
