CREATE TABLE tree (id int, parent int, name text);
INSERT INTO tree VALUES (1, NULL, 'root'), (2, 1, 'a'), (3, 1, 'b'), (4, 2, 'a1'), (5, 3, 'b1'), (6, 2, 'a2');
WITH RECURSIVE t(id, name) AS (SELECT id, name FROM tree WHERE parent IS NULL UNION ALL SELECT c.id, c.name FROM tree c JOIN t ON c.parent = t.id) SEARCH BREADTH FIRST BY id SET ord SELECT * FROM t ORDER BY ord;
WITH RECURSIVE t(id, name) AS (SELECT id, name FROM tree WHERE parent IS NULL UNION ALL SELECT c.id, c.name FROM tree c JOIN t ON c.parent = t.id) SEARCH BREADTH FIRST BY name, id SET ord SELECT name, ord FROM t ORDER BY ord DESC;
WITH RECURSIVE t(id, name) AS (SELECT id, name FROM tree WHERE parent IS NULL UNION ALL SELECT c.id, c.name FROM tree c JOIN t ON c.parent = t.id) SEARCH DEPTH FIRST BY name SET ord SELECT name, ord FROM t ORDER BY ord;
WITH RECURSIVE t(id) AS (SELECT 1 UNION ALL SELECT c.id FROM tree c JOIN t ON c.parent = t.id) SEARCH BREADTH FIRST BY id SET ord CYCLE id SET cyc USING path SELECT id, ord, cyc, path FROM t ORDER BY ord;
WITH RECURSIVE t(id) AS (SELECT 1 UNION ALL SELECT c.id FROM tree c JOIN t ON c.parent = t.id) SEARCH BREADTH FIRST BY nosuch SET ord SELECT * FROM t;
WITH RECURSIVE t(id) AS (SELECT 1 UNION ALL SELECT c.id FROM tree c JOIN t ON c.parent = t.id) SEARCH BREADTH FIRST BY id SET ord CYCLE id SET ord USING path SELECT * FROM t;
