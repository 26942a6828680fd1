CREATE TABLE src (x int, y int);
INSERT INTO src VALUES (1, 2), (3, 4), (5, NULL);
CREATE TABLE gi (x int, y int, s int GENERATED ALWAYS AS (x + coalesce(y, 0)) STORED, p int GENERATED ALWAYS AS (x * x) STORED);
INSERT INTO gi (x, y) SELECT x, y FROM src;
INSERT INTO gi SELECT x + 10 FROM src WHERE y IS NULL;
SELECT * FROM gi ORDER BY x;
INSERT INTO gi SELECT x, y, 0 FROM src;
INSERT INTO gi (x, p) SELECT x, x FROM src;
SELECT count(*) FROM gi;
