CREATE TABLE items (id int, name text);
CREATE TABLE sold (item_id int, qty int);
INSERT INTO items VALUES (1, 'pen'), (2, 'ink'), (3, 'pad'), (4, 'cap');
INSERT INTO sold VALUES (1, 3), (1, 2), (3, 1), (NULL, 5);
SELECT DISTINCT i.name FROM items i JOIN sold s ON s.item_id = i.id ORDER BY 1;
SELECT i.name FROM items i LEFT JOIN sold s ON s.item_id = i.id WHERE s.item_id IS NULL ORDER BY 1;
SELECT i.name, count(s.item_id) AS sales FROM items i LEFT JOIN sold s ON s.item_id = i.id GROUP BY i.name ORDER BY i.name;
SELECT i.name, coalesce(sum(s.qty), 0) AS qty FROM items i LEFT JOIN sold s ON s.item_id = i.id GROUP BY i.name HAVING coalesce(sum(s.qty), 0) < 3 ORDER BY 1;
SELECT count(*) FROM sold s LEFT JOIN items i ON i.id = s.item_id WHERE i.id IS NULL;
