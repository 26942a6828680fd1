CREATE TABLE h (v numeric);
INSERT INTO h VALUES (10), (20), (20), (30), (40), (NULL);
\pset null (null)
SELECT percent_rank(20) WITHIN GROUP (ORDER BY v), cume_dist(20) WITHIN GROUP (ORDER BY v) FROM h;
SELECT percent_rank(25) WITHIN GROUP (ORDER BY v DESC), cume_dist(25) WITHIN GROUP (ORDER BY v DESC) FROM h;
SELECT percent_rank(0) WITHIN GROUP (ORDER BY v), cume_dist(100) WITHIN GROUP (ORDER BY v) FROM h;
SELECT percent_rank(1) WITHIN GROUP (ORDER BY v), cume_dist(1) WITHIN GROUP (ORDER BY v) FROM h WHERE false;
SELECT cume_dist(20) WITHIN GROUP (ORDER BY v NULLS FIRST), percent_rank(NULL) WITHIN GROUP (ORDER BY v) FROM h;
SELECT pg_typeof(cume_dist(1) WITHIN GROUP (ORDER BY v)), pg_typeof(rank(1) WITHIN GROUP (ORDER BY v)) FROM h;
