-- DELETE through a view: the view's WHERE limits what goes
CREATE TABLE logs (id int, level text, msg text);
INSERT INTO logs VALUES (1, 'info', 'a'), (2, 'error', 'b'), (3, 'info', 'c'), (4, 'error', 'd');
CREATE VIEW errors AS SELECT id, msg FROM logs WHERE level = 'error';
DELETE FROM errors WHERE id = 1;
SELECT * FROM logs ORDER BY id;
DELETE FROM errors WHERE id > 3 RETURNING *;
DELETE FROM errors RETURNING msg, id * 10 AS x;
SELECT * FROM logs ORDER BY id;
DELETE FROM errors;
SELECT count(*) FROM logs;
