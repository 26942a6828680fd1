CREATE TABLE t (id serial PRIMARY KEY, name text UNIQUE, n int DEFAULT 0);
INSERT INTO t (name) VALUES ('a'), ('b');
INSERT INTO t (name) VALUES ('a') ON CONFLICT (name) DO NOTHING;
INSERT INTO t (name) VALUES ('a') ON CONFLICT (name) DO UPDATE SET n = t.n + 1;
INSERT INTO t (name) VALUES ('c') RETURNING id;
SELECT currval('t_id_seq');
INSERT INTO t (name) VALUES ('b'), ('d') ON CONFLICT (name) DO UPDATE SET n = t.n + 10 RETURNING *;
SELECT * FROM t ORDER BY id;
