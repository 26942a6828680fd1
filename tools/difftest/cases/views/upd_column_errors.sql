-- view columns that are expressions cannot be written (0A000)
CREATE TABLE t (a int, b text, c int);
CREATE VIEW v AS SELECT a, b, c + 1 AS c1, 'k'::text AS k, a AS a2 FROM t;
INSERT INTO v (a, c1) VALUES (1, 2);
INSERT INTO v (k, a) VALUES ('x', 1);
INSERT INTO v VALUES (1, 'b', 2, 'k', 9);
UPDATE v SET c1 = 4;
UPDATE v SET b = 'x', k = 'y';
INSERT INTO v (a, b) VALUES (1, 'ok');
UPDATE v SET b = 'fine' RETURNING *;
INSERT INTO v (a, a2) VALUES (1, 2);
UPDATE v SET a = 1, a2 = 2;
ALTER VIEW v ALTER COLUMN c1 SET DEFAULT 5;
INSERT INTO v (a) VALUES (3);
DELETE FROM v WHERE c1 IS NULL RETURNING *;
SELECT * FROM t ORDER BY a;
