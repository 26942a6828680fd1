CREATE TABLE items (id int PRIMARY KEY, name text, price numeric(6,2));
CREATE TABLE tags (item_id int, tag text);
INSERT INTO items VALUES (1, 'a', 1.50), (2, 'b', 2.00) RETURNING id * 10 AS tenfold, upper(name), price + 1;
INSERT INTO tags VALUES (1, 'x'), (1, 'y'), (2, 'z');
UPDATE items SET price = price * 2 WHERE id = 1 RETURNING id, price, (SELECT count(*) FROM tags WHERE item_id = items.id) AS ntags;
UPDATE items SET name = name || '2' RETURNING name, (SELECT string_agg(tag, ',' ORDER BY tag) FROM tags t WHERE t.item_id = items.id) AS tags;
DELETE FROM items WHERE id = 2 RETURNING id, EXISTS (SELECT 1 FROM tags WHERE item_id = items.id) AS had_tags, price::text || ' left';
INSERT INTO items VALUES (3, 'c', 3.00) RETURNING (SELECT count(*) FROM items) AS before_count, *;
SELECT * FROM items ORDER BY id;
