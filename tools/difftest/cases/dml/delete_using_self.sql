CREATE TABLE events (id int, k text, at int);
INSERT INTO events VALUES (1, 'a', 10), (2, 'a', 20), (3, 'b', 5), (4, 'a', 30), (5, 'b', 6), (6, 'c', 1);
DELETE FROM events e USING events newer WHERE newer.k = e.k AND newer.at > e.at;
SELECT * FROM events ORDER BY id;
INSERT INTO events VALUES (7, 'c', 1), (8, 'c', 2);
DELETE FROM events e1 USING events e2 WHERE e1.k = e2.k AND e1.id < e2.id RETURNING e1.id;
SELECT * FROM events ORDER BY id;
