CREATE TABLE gn (a int, b int, both_ int GENERATED ALWAYS AS (a + b) STORED, safe int GENERATED ALWAYS AS (coalesce(a, 0) + coalesce(b, 0)) STORED, div int GENERATED ALWAYS AS (a / b) STORED);
INSERT INTO gn (a, b) VALUES (6, 3), (NULL, 2), (4, NULL);
SELECT * FROM gn ORDER BY safe;
INSERT INTO gn (a, b) VALUES (1, 0);
UPDATE gn SET b = 0 WHERE a = 6;
SELECT count(*) FROM gn;
