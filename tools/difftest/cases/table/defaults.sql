CREATE TABLE t (id int, status text DEFAULT 'new', qty int DEFAULT 1 + 1, note text);
INSERT INTO t (id) VALUES (1);
INSERT INTO t (id, status) VALUES (2, 'old');
INSERT INTO t VALUES (3, DEFAULT, DEFAULT, 'n');
SELECT * FROM t ORDER BY id;
