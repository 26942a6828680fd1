CREATE TABLE employee (id int PRIMARY KEY, name text NOT NULL, manager_id int);
INSERT INTO employee VALUES (1, 'ceo', NULL), (2, 'cto', 1), (3, 'cfo', 1), (4, 'dev1', 2), (5, 'dev2', 2), (6, 'intern', 4), (7, 'accountant', 3);
CREATE TABLE category (id int PRIMARY KEY, parent_id int, name text);
INSERT INTO category VALUES (1, NULL, 'root'), (2, 1, 'books'), (3, 1, 'music'), (4, 2, 'fiction'), (5, 2, 'science'), (6, 4, 'fantasy'), (7, 3, 'jazz');

WITH RECURSIVE chain AS (SELECT id, name, manager_id, 0 AS depth, name::text AS path FROM employee WHERE manager_id IS NULL UNION ALL SELECT e.id, e.name, e.manager_id, c.depth + 1, c.path || ' > ' || e.name FROM employee e JOIN chain c ON e.manager_id = c.id) SELECT id, depth, path FROM chain ORDER BY path;
WITH RECURSIVE chain AS (SELECT id, 0 AS depth FROM employee WHERE manager_id IS NULL UNION ALL SELECT e.id, c.depth + 1 FROM employee e JOIN chain c ON e.manager_id = c.id) SELECT depth, count(*) FROM chain GROUP BY depth ORDER BY depth;
WITH RECURSIVE up AS (SELECT id, name, manager_id FROM employee WHERE name = 'intern' UNION ALL SELECT e.id, e.name, e.manager_id FROM employee e JOIN up ON e.id = up.manager_id) SELECT string_agg(name, ' < ' ORDER BY id DESC) AS chain_of_command FROM up;
WITH RECURSIVE sub AS (SELECT id FROM employee WHERE name = 'cto' UNION SELECT e.id FROM employee e JOIN sub s ON e.manager_id = s.id) SELECT e.name FROM employee e JOIN sub USING (id) ORDER BY e.name;
WITH RECURSIVE tree AS (SELECT id, name, ARRAY[id] AS ids, 1 AS lvl FROM category WHERE parent_id IS NULL UNION ALL SELECT c.id, c.name, t.ids || c.id, t.lvl + 1 FROM category c JOIN tree t ON c.parent_id = t.id) SELECT repeat('  ', lvl - 1) || name AS outline, ids FROM tree ORDER BY ids;
WITH RECURSIVE tree AS (SELECT id, id AS top FROM category WHERE parent_id = 1 UNION ALL SELECT c.id, t.top FROM category c JOIN tree t ON c.parent_id = t.id) SELECT (SELECT name FROM category WHERE id = top) AS branch, count(*) AS size FROM tree GROUP BY top ORDER BY branch;
UPDATE category SET parent_id = 6 WHERE id = 1;
WITH RECURSIVE walk(id, seen, cycle) AS (SELECT id, ARRAY[id], false FROM category WHERE id = 2 UNION ALL SELECT c.id, w.seen || c.id, c.id = ANY (w.seen) FROM category c JOIN walk w ON c.parent_id = w.id WHERE NOT w.cycle) SELECT id, seen, cycle FROM walk ORDER BY seen;
WITH RECURSIVE walk(id) AS (SELECT 2 UNION SELECT c.id FROM category c JOIN walk w ON c.parent_id = w.id) SELECT id FROM walk ORDER BY id;
