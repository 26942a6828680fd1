CREATE TABLE src (id int, v text);
CREATE TABLE dst (id int PRIMARY KEY, v text, seen int DEFAULT 1);
INSERT INTO src VALUES (1, 'a'), (2, 'b'), (3, 'c');
INSERT INTO dst (id, v) SELECT id, v FROM src WHERE id < 3;
INSERT INTO dst (id, v) SELECT id, v || '2' FROM src ON CONFLICT (id) DO UPDATE SET seen = dst.seen + 1, v = excluded.v;
SELECT * FROM dst ORDER BY id;
INSERT INTO dst (id, v) SELECT id, v FROM src ON CONFLICT DO NOTHING RETURNING *;
INSERT INTO dst (id, v) SELECT 1, 'x' FROM src ON CONFLICT (id) DO UPDATE SET seen = 0;
SELECT * FROM dst ORDER BY id;
