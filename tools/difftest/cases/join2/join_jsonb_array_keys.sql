CREATE TABLE docs (id int, body jsonb);
CREATE TABLE people (pid int, name text);
INSERT INTO docs VALUES (1, '{"author": 1, "tags": ["a", "b"]}'), (2, '{"author": 2, "tags": []}'), (3, '{"author": 9}'), (4, '{"tags": ["c"]}');
INSERT INTO people VALUES (1, 'ann'), (2, 'bob');
\pset null (null)
SELECT d.id, p.name FROM docs d JOIN people p ON (d.body->>'author')::int = p.pid ORDER BY d.id;
SELECT d.id, p.name FROM docs d LEFT JOIN people p ON (d.body->>'author')::int = p.pid ORDER BY d.id;
SELECT d.id, t FROM docs d, jsonb_array_elements_text(d.body->'tags') t ORDER BY d.id, t;
SELECT d.id, t FROM docs d LEFT JOIN LATERAL jsonb_array_elements_text(coalesce(d.body->'tags', '[]')) t ON true ORDER BY d.id, t;
CREATE TABLE arr (id int, ids int[]);
INSERT INTO arr VALUES (1, '{1,2}'), (2, '{2}'), (3, '{}');
SELECT a.id, p.name FROM arr a JOIN people p ON p.pid = ANY (a.ids) ORDER BY 1, 2;
