CREATE TABLE p (k int, t text, d date, n numeric, b bool);
INSERT INTO p VALUES (1, 'pear', '2024-03-01', 2.50, true), (1, 'apple', '2024-01-15', 1.25, false), (1, 'fig', '2023-12-31', 10, true), (2, 'kiwi', NULL, NULL, NULL), (2, 'date', '2024-06-30', -1.5, false), (3, NULL, NULL, NULL, NULL);
\pset null (null)
SELECT k, percentile_disc(0.5) WITHIN GROUP (ORDER BY t) FROM p GROUP BY k ORDER BY k;
SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY d), percentile_disc(0.2) WITHIN GROUP (ORDER BY d DESC) FROM p;
SELECT percentile_disc(0) WITHIN GROUP (ORDER BY n), percentile_disc(1) WITHIN GROUP (ORDER BY n), percentile_disc(0.01) WITHIN GROUP (ORDER BY n) FROM p;
SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY t DESC NULLS LAST) FROM p;
SELECT percentile_disc(0.99) WITHIN GROUP (ORDER BY b) FROM p;
SELECT pg_typeof(percentile_disc(0.5) WITHIN GROUP (ORDER BY d)), pg_typeof(percentile_disc(0.5) WITHIN GROUP (ORDER BY n)) FROM p;
SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY t) FROM p WHERE k = 3;
