-- through a view over a view: each level's errors name that level's view
CREATE TABLE t (a int, b int, c int);
CREATE VIEW inner_v AS SELECT a, b * 2 AS b2, c FROM t WHERE c IS NOT NULL;
CREATE VIEW outer_v AS SELECT a, b2, c + 1 AS c1, c FROM inner_v;
INSERT INTO outer_v (a, b2) VALUES (1, 2);
INSERT INTO outer_v (a, c1) VALUES (1, 2);
INSERT INTO outer_v (b2, c1) VALUES (1, 2);
UPDATE outer_v SET b2 = 0;
UPDATE outer_v SET c1 = 0, b2 = 0;
INSERT INTO outer_v (a, c) VALUES (1, 1) RETURNING *;
UPDATE outer_v SET c = c + 10 RETURNING a, c1;
CREATE VIEW grouped AS SELECT a, max(c) AS c FROM t GROUP BY a;
CREATE VIEW over_grouped AS SELECT a FROM grouped;
UPDATE over_grouped SET a = 1;
DELETE FROM over_grouped;
CREATE VIEW over_expr AS SELECT b2 FROM inner_v;
DELETE FROM over_expr RETURNING *;
SELECT * FROM t;
