-- INSERT through an automatically updatable view lands in its base table
CREATE TABLE items (id int PRIMARY KEY, name text, qty int DEFAULT 1);
CREATE VIEW items_v AS SELECT id, name, qty FROM items;
INSERT INTO items_v VALUES (1, 'one', 10);
INSERT INTO items_v (id, name) VALUES (2, 'two');
INSERT INTO items_v (name, id) VALUES ('three', 3), ('four', 4);
INSERT INTO items_v VALUES (5, 'five', DEFAULT) RETURNING *;
INSERT INTO items_v DEFAULT VALUES;
SELECT * FROM items ORDER BY id;
SELECT * FROM items_v ORDER BY id;
