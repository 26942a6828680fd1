-- check conditions with functions, sub-SELECTs, NULLs, and a view without WHERE
CREATE TABLE codes (code text);
INSERT INTO codes VALUES ('ok'), ('fine');
CREATE TABLE t (id int, code text, v int);
CREATE VIEW coded AS SELECT id, code, v FROM t WHERE code IN (SELECT code FROM codes) WITH CHECK OPTION;
INSERT INTO coded VALUES (1, 'ok', 1);
INSERT INTO coded VALUES (2, 'bad', 1);
INSERT INTO coded VALUES (3, NULL, 1);
CREATE VIEW lower_v AS SELECT id, code FROM t WHERE lower(code) = code WITH CHECK OPTION;
INSERT INTO lower_v VALUES (4, 'fine');
INSERT INTO lower_v VALUES (5, 'Fine');
CREATE VIEW nowhere AS SELECT id, v FROM t WITH CASCADED CHECK OPTION;
INSERT INTO nowhere VALUES (100, 100);
CREATE VIEW expr AS SELECT id, v * 2 AS v2 FROM t WHERE v * 2 < 10 WITH CHECK OPTION;
INSERT INTO expr (id) VALUES (200);
UPDATE expr SET id = id + 1000 WHERE id = 200 RETURNING *;
UPDATE coded SET code = 'fine' WHERE id = 1 RETURNING *;
UPDATE coded SET code = 'nope';
SELECT * FROM t ORDER BY id;
