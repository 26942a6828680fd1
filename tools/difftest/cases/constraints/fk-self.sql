-- self-referencing foreign keys: cascades through a tree, key updates
CREATE TABLE node (id int PRIMARY KEY, parent int REFERENCES node ON DELETE CASCADE ON UPDATE CASCADE, label text);
INSERT INTO node VALUES (1, NULL, 'root'), (2, 1, 'a'), (3, 1, 'b'), (4, 2, 'a1'), (5, 4, 'a1x'), (6, 3, 'b1');
DELETE FROM node WHERE id = 2;
SELECT * FROM node ORDER BY id;
UPDATE node SET id = 30 WHERE id = 3;
SELECT * FROM node ORDER BY id;
INSERT INTO node VALUES (7, 7, 'self');
INSERT INTO node VALUES (8, 9, 'dangling');
UPDATE node SET parent = 99 WHERE id = 6;
DELETE FROM node WHERE id = 1;
SELECT count(*) FROM node;
CREATE TABLE emp (id int PRIMARY KEY, boss int REFERENCES emp ON DELETE SET NULL);
INSERT INTO emp VALUES (1, NULL), (2, 1), (3, 1), (4, 2);
DELETE FROM emp WHERE id = 1;
SELECT * FROM emp ORDER BY id;
DELETE FROM emp WHERE boss IS NULL;
SELECT * FROM emp ORDER BY id;
