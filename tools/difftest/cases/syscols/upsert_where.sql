-- the upsert idiom with a WHERE on DO UPDATE, multi-row and with a serial key
CREATE TABLE users (id serial PRIMARY KEY, email text UNIQUE, visits int DEFAULT 1);
INSERT INTO users (email) VALUES ('a@x') ON CONFLICT (email) DO UPDATE SET visits = users.visits + 1 RETURNING id, email, visits, xmax = 0 AS created;
INSERT INTO users (email) VALUES ('a@x') ON CONFLICT (email) DO UPDATE SET visits = users.visits + 1 RETURNING id, email, visits, xmax = 0 AS created;
INSERT INTO users (email) VALUES ('a@x') ON CONFLICT (email) DO UPDATE SET visits = users.visits + 1 WHERE users.visits < 2 RETURNING id, visits, xmax = 0 AS created;
INSERT INTO users (email) VALUES ('b@x'), ('a@x'), ('c@x') ON CONFLICT (email) DO UPDATE SET visits = 0 RETURNING email, visits, xmax = 0 AS created, ctid;
INSERT INTO users AS u (email) VALUES ('b@x') ON CONFLICT (email) DO UPDATE SET visits = u.visits + 10 RETURNING u.email, u.visits, (u.xmax = 0) AS created;
INSERT INTO users (email) VALUES ('b@x') ON CONFLICT (email) DO UPDATE SET visits = excluded.xmax;
SELECT email, visits FROM users ORDER BY email;
