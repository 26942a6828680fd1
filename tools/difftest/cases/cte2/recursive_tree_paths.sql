CREATE TABLE node (id int, parent int, name text);
INSERT INTO node VALUES (1, NULL, 'root'), (2, 1, 'a'), (3, 1, 'b'), (4, 2, 'a1'), (5, 2, 'a2'), (6, 4, 'a1x'), (7, 3, 'b1');
WITH RECURSIVE t(id, name, depth, path) AS (SELECT id, name, 0, ARRAY[name] FROM node WHERE parent IS NULL UNION ALL SELECT n.id, n.name, t.depth + 1, t.path || n.name FROM node n JOIN t ON n.parent = t.id) SELECT repeat('  ', depth) || name AS tree, array_to_string(path, '/') FROM t ORDER BY path;
WITH RECURSIVE up(id, parent, name) AS (SELECT id, parent, name FROM node WHERE id = 6 UNION ALL SELECT n.id, n.parent, n.name FROM node n JOIN up ON n.id = up.parent) SELECT string_agg(name, ' < ' ORDER BY id DESC) FROM up;
WITH RECURSIVE sub(id) AS (SELECT 2 UNION ALL SELECT n.id FROM node n JOIN sub ON n.parent = sub.id) SELECT count(*) - 1 AS descendants FROM sub;
WITH RECURSIVE t(id, depth) AS (SELECT id, 0 FROM node WHERE parent IS NULL UNION ALL SELECT n.id, depth + 1 FROM node n JOIN t ON n.parent = t.id) SELECT depth, count(*) FROM t GROUP BY depth ORDER BY depth;
WITH RECURSIVE t(id, root_child) AS (SELECT id, id FROM node WHERE parent = 1 UNION ALL SELECT n.id, t.root_child FROM node n JOIN t ON n.parent = t.id) SELECT root_child, count(*) FROM t GROUP BY root_child ORDER BY 1;
