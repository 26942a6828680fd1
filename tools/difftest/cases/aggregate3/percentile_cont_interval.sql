CREATE TABLE w (who text, took interval);
INSERT INTO w VALUES ('a', '1 day'), ('a', '3 hours'), ('a', '1 mon 2 days'), ('b', '00:00:01.5'), ('b', '-2 mins'), ('c', NULL);
\pset null (null)
SELECT who, percentile_cont(0.5) WITHIN GROUP (ORDER BY took) FROM w GROUP BY who ORDER BY who;
SELECT percentile_cont(0.3) WITHIN GROUP (ORDER BY took) FROM w;
SELECT percentile_cont(ARRAY[0, 0.5, 1]) WITHIN GROUP (ORDER BY took) FROM w;
SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY took DESC) FROM w WHERE who = 'a';
SELECT pg_typeof(percentile_cont(0.5) WITHIN GROUP (ORDER BY took)), pg_typeof(percentile_cont(ARRAY[0.5]) WITHIN GROUP (ORDER BY took)) FROM w;
