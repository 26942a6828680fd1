CREATE TABLE t (id int PRIMARY KEY, a text, b int);
INSERT INTO t VALUES (1, 'x', 1);
INSERT INTO t VALUES (1, 'y') ON CONFLICT (id) DO UPDATE SET b = 'notanumber';
INSERT INTO t VALUES (1, 'y') ON CONFLICT (id) DO UPDATE SET b = excluded.a;
INSERT INTO t VALUES (1, 'y') ON CONFLICT (id) DO UPDATE SET a = sum(excluded.b);
INSERT INTO t VALUES (1, 'y') ON CONFLICT (id) DO UPDATE SET b = 1 WHERE excluded.b;
INSERT INTO t VALUES (1, 'y') ON CONFLICT (id) DO UPDATE SET b = 1 / 0;
SELECT * FROM t ORDER BY id;
