-- the base table's constraints report their own errors through a view
CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL, n int CHECK (n >= 0));
CREATE VIEW tv AS SELECT id, v, n FROM t WHERE n IS NOT NULL OR v <> '';
INSERT INTO tv VALUES (1, 'a', 1);
INSERT INTO tv VALUES (1, 'b', 2);
INSERT INTO tv (id, n) VALUES (2, 2);
INSERT INTO tv VALUES (3, 'c', -1);
UPDATE tv SET n = -5 WHERE id = 1;
UPDATE tv SET v = NULL;
CREATE TABLE child (pid int REFERENCES t (id));
CREATE VIEW cv AS SELECT pid FROM child;
INSERT INTO cv VALUES (1);
INSERT INTO cv VALUES (42);
DELETE FROM tv;
SELECT * FROM t ORDER BY id;
