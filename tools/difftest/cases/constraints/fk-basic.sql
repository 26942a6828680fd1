-- FOREIGN KEY: references the primary key by default, 23503 on both sides
CREATE TABLE p (id int PRIMARY KEY, name text);
CREATE TABLE c (cid int PRIMARY KEY, pid int REFERENCES p, note text);
INSERT INTO p VALUES (1, 'one'), (2, 'two'), (3, 'three');
INSERT INTO c VALUES (10, 1, 'a'), (11, 1, 'b'), (12, 2, 'c');
INSERT INTO c VALUES (13, 5, 'bad');
INSERT INTO c VALUES (14, NULL, 'null key is fine');
UPDATE c SET pid = 7 WHERE cid = 10;
UPDATE c SET pid = 3 WHERE cid = 10;
DELETE FROM p WHERE id = 2;
UPDATE p SET id = 20 WHERE id = 2;
UPDATE p SET name = 'TWO' WHERE id = 2;
DELETE FROM p WHERE id = 1;
DELETE FROM c WHERE pid = 1;
DELETE FROM p WHERE id = 1;
SELECT conname, contype, conkey, confkey, (SELECT relname FROM pg_class WHERE oid = confrelid) AS confrel, confupdtype, confdeltype, confmatchtype, condeferrable, condeferred, convalidated FROM pg_constraint WHERE conrelid = 'c'::regclass ORDER BY conname;
SELECT * FROM p ORDER BY id;
SELECT * FROM c ORDER BY cid;
-- a multi-row statement is checked at its end
CREATE TABLE tree (id int PRIMARY KEY, parent int REFERENCES tree (id));
INSERT INTO tree VALUES (2, 1), (1, NULL);
INSERT INTO tree VALUES (3, 4);
UPDATE tree SET id = id + 10;
SELECT * FROM tree ORDER BY id;
DELETE FROM tree WHERE id = 11;
DELETE FROM tree;
SELECT count(*) FROM tree;
