CREATE TABLE t (id int NOT NULL, name text NOT NULL, note text);
INSERT INTO t VALUES (NULL, 'a', 'n');
INSERT INTO t VALUES (1, NULL, 'n');
INSERT INTO t (id) VALUES (2);
UPDATE t SET name = NULL;
SELECT count(*) FROM t;
