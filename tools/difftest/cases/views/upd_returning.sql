-- RETURNING through a view is in terms of the view's columns
CREATE TABLE p (id int, first text, last text, born int);
CREATE VIEW pv AS SELECT id, first || ' ' || last AS full_name, born, 2000 - born AS age, first, last FROM p;
INSERT INTO pv (id, first, last, born) VALUES (1, 'Ada', 'Lovelace', 1815) RETURNING *;
INSERT INTO pv (id, first, last, born) VALUES (2, 'Alan', 'Turing', 1912) RETURNING full_name, age;
UPDATE pv SET born = born + 1 WHERE id = 2 RETURNING pv.*;
UPDATE pv SET last = 'King' WHERE id = 1 RETURNING pv, full_name;
DELETE FROM pv WHERE age > 100 RETURNING upper(full_name), born;
SELECT * FROM p ORDER BY id;
