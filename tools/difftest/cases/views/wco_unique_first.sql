-- constraint errors come before the check option (it is checked after the row is written)
CREATE TABLE t (a int PRIMARY KEY, b int NOT NULL, c int CHECK (c <> 13));
CREATE VIEW v AS SELECT a, b, c FROM t WHERE b > 0 AND c > 0 WITH CHECK OPTION;
INSERT INTO v VALUES (1, 1, 1);
INSERT INTO v VALUES (1, -1, 1);
INSERT INTO v VALUES (2, NULL, -1);
INSERT INTO v VALUES (3, -1, 13);
INSERT INTO v VALUES (4, -1, 1);
UPDATE v SET a = 1, b = -1;
SELECT * FROM t;
