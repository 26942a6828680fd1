CREATE TABLE t (id serial PRIMARY KEY, email text, active bool);
CREATE UNIQUE INDEX t_active_email ON t (email) WHERE active;
INSERT INTO t (email, active) VALUES ('a@x', true), ('a@x', false);
INSERT INTO t (email, active) VALUES ('a@x', true) ON CONFLICT (email) DO NOTHING;
INSERT INTO t (email, active) VALUES ('a@x', true) ON CONFLICT (email) WHERE active DO NOTHING;
INSERT INTO t (email, active) VALUES ('a@x', false) ON CONFLICT (email) WHERE active DO NOTHING;
INSERT INTO t (email, active) VALUES ('a@x', true) ON CONFLICT (email) WHERE active AND id > 0 DO UPDATE SET email = 'b@x';
SELECT id, email, active FROM t ORDER BY id;
INSERT INTO t (email, active) VALUES ('c@x', true) ON CONFLICT (email) WHERE active OR id > 0 DO NOTHING;
