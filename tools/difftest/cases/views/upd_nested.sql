-- a view over an updatable view is rewritten twice, both WHEREs apply
CREATE TABLE base (id int PRIMARY KEY, name text, score int);
CREATE VIEW v1 AS SELECT id, name, score FROM base WHERE score > 0;
CREATE VIEW v2 AS SELECT id AS ident, upper(name) AS uname, score, name FROM v1 WHERE id < 100;
INSERT INTO v2 (ident, name, score) VALUES (1, 'a', 5), (2, 'b', 6) RETURNING *;
INSERT INTO v2 (ident, name, score) VALUES (200, 'big', 1), (3, 'neg', -1);
UPDATE v2 SET score = score * 10 RETURNING ident, score, uname;
SELECT * FROM base ORDER BY id;
UPDATE v2 SET name = 'x';
SELECT * FROM base ORDER BY id;
DELETE FROM v2 WHERE ident > 1 RETURNING *;
SELECT * FROM base ORDER BY id;
CREATE VIEW v3 AS SELECT ident, score FROM v2;
UPDATE v3 SET score = 0 WHERE ident = 1;
DELETE FROM v3 RETURNING *;
SELECT * FROM base ORDER BY id;
