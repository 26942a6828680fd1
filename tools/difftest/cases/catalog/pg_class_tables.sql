CREATE TABLE users (id int PRIMARY KEY, name text);
CREATE TABLE orders (id int, user_id int);
CREATE INDEX orders_user ON orders (user_id);
SELECT relname, relkind FROM pg_class WHERE relnamespace = 'public'::regnamespace ORDER BY relname;
SELECT relname FROM pg_class WHERE relname = 'users' AND relkind = 'r';
