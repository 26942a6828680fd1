CREATE TABLE t (id int, name text DEFAULT 'anon');
INSERT INTO t VALUES (1, 'x') RETURNING *;
INSERT INTO t (id) VALUES (2) RETURNING id, name;
INSERT INTO t VALUES (3, 'y'), (4, 'z') RETURNING id * 10 AS tens, upper(name);
INSERT INTO t VALUES (5) RETURNING nosuch;
SELECT count(*) FROM t;
