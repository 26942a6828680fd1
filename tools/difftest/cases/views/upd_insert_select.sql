-- INSERT ... SELECT and INSERT with sub-SELECTs through a view
CREATE TABLE src (k int, v text);
INSERT INTO src VALUES (1, 'a'), (2, 'b'), (3, 'c');
CREATE TABLE dst (id int, val text, note text DEFAULT 'n');
CREATE VIEW dv AS SELECT val, id FROM dst WHERE id <> 2;
INSERT INTO dv SELECT v, k FROM src WHERE k < 3;
INSERT INTO dv (id, val) SELECT k * 10, upper(v) FROM src RETURNING *;
INSERT INTO dv VALUES ((SELECT max(v) FROM src), (SELECT count(*) FROM src)::int);
INSERT INTO dv (id) SELECT 99 WHERE false;
SELECT * FROM dst ORDER BY id;
SELECT * FROM dv ORDER BY id;
