CREATE TABLE q (grp text, score int);
INSERT INTO q VALUES ('x', 90), ('x', 70), ('x', 80), ('x', 100), ('y', 55), ('y', NULL), ('z', NULL);
\pset null (null)
SELECT grp, percentile_disc(ARRAY[0, 0.5, 1]) WITHIN GROUP (ORDER BY score) FROM q GROUP BY grp ORDER BY grp;
SELECT percentile_disc(ARRAY[0.25, NULL, 0.75]) WITHIN GROUP (ORDER BY score DESC) FROM q;
SELECT percentile_disc(ARRAY[[0.1], [0.9]]) WITHIN GROUP (ORDER BY score) FROM q;
SELECT percentile_disc(ARRAY[0.5]) WITHIN GROUP (ORDER BY grp) FROM q;
SELECT pg_typeof(percentile_disc(ARRAY[0.5]) WITHIN GROUP (ORDER BY score)) FROM q;
