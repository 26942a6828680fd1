CREATE TABLE t (d date, ts timestamp, tx text, b boolean, n numeric, arr int[]);
INSERT INTO t VALUES ('2024-01-02', '2024-01-02 03:04:05', 'pear', true, 1.5, '{1,2}'), ('2023-12-31', '2024-06-01 00:00:00', 'apple', false, -2, '{1,3}'), (NULL, NULL, 'Zed', NULL, NULL, NULL);
\pset null (null)
SELECT min(d), max(d), min(ts), max(ts) FROM t;
SELECT min(tx), max(tx) FROM t;
SELECT min(n), max(n) FROM t;
SELECT min(arr), max(arr) FROM t;
SELECT max(d) - min(d) AS days FROM t;
SELECT min(tx COLLATE "C"), max(lower(tx)) FROM t;
SELECT min(d) FROM t WHERE d IS NULL;
