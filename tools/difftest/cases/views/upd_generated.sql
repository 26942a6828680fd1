-- the base table's generated and identity columns keep their rules through a view
CREATE TABLE g (id int GENERATED ALWAYS AS IDENTITY, price int, tax int GENERATED ALWAYS AS (price / 10) STORED, note text);
CREATE VIEW gv AS SELECT id, price, tax, note FROM g;
INSERT INTO gv (price, note) VALUES (100, 'a') RETURNING *;
INSERT INTO gv (id, price) VALUES (5, 10);
INSERT INTO gv (price, tax) VALUES (10, 1);
UPDATE gv SET tax = 3;
UPDATE gv SET id = 3;
UPDATE gv SET price = 250 RETURNING *;
UPDATE gv SET tax = DEFAULT RETURNING tax;
SELECT * FROM g;
