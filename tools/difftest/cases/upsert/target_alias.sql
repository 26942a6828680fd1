CREATE TABLE t (id int PRIMARY KEY, v text);
INSERT INTO t VALUES (1, 'a');
INSERT INTO t AS x VALUES (1, 'b') ON CONFLICT (id) DO UPDATE SET v = x.v || excluded.v RETURNING *;
INSERT INTO t AS x VALUES (1, 'c') ON CONFLICT (id) DO UPDATE SET v = t.v;
INSERT INTO t AS x VALUES (1, 'c') ON CONFLICT (id) DO UPDATE SET v = 'w' WHERE x.v = 'ab' RETURNING x.id, x.v;
INSERT INTO t AS excluded VALUES (1, 'c') ON CONFLICT (id) DO UPDATE SET v = 'k';
SELECT * FROM t;
