CREATE TABLE votes (region text, pick text, n int);
INSERT INTO votes VALUES ('n', 'b', 1), ('n', 'a', 2), ('n', 'b', 3), ('n', 'a', 4), ('s', 'c', 5), ('s', NULL, 6), ('s', NULL, 7), ('e', NULL, 8);
\pset null (null)
SELECT region, mode() WITHIN GROUP (ORDER BY pick) FROM votes GROUP BY region ORDER BY region;
SELECT region, mode() WITHIN GROUP (ORDER BY pick DESC) FROM votes GROUP BY region ORDER BY region;
SELECT mode() WITHIN GROUP (ORDER BY n % 3) FROM votes;
SELECT mode() WITHIN GROUP (ORDER BY pick) FROM votes WHERE false;
SELECT mode() WITHIN GROUP (ORDER BY x) FROM (VALUES (1.0::numeric), (1.00), (2)) v(x);
SELECT pg_typeof(mode() WITHIN GROUP (ORDER BY n)) FROM votes;
