CREATE TABLE t (id int PRIMARY KEY, v text);
INSERT INTO t VALUES (1, 'a');
INSERT INTO t VALUES (1, 'b'), (2, 'c') ON CONFLICT (id) DO UPDATE SET v = t.v || excluded.v RETURNING id, v, upper(v) AS up;
INSERT INTO t VALUES (1, 'x'), (3, 'y') ON CONFLICT (id) DO NOTHING RETURNING id;
INSERT INTO t VALUES (3, 'q') ON CONFLICT (id) DO UPDATE SET v = 'r' RETURNING *, (SELECT count(*) FROM t) AS n;
INSERT INTO t VALUES (1, 'z') ON CONFLICT (id) DO UPDATE SET v = excluded.v RETURNING excluded.v;
INSERT INTO t VALUES (1, 'z') ON CONFLICT (id) DO UPDATE SET v = excluded.v RETURNING t.*;
SELECT * FROM t ORDER BY id;
