-- DROP TABLE of referenced tables: alone, together with the referencing tables, CASCADE
CREATE TABLE a (id int PRIMARY KEY);
CREATE TABLE b (id int PRIMARY KEY, aid int REFERENCES a);
CREATE TABLE c (bid int REFERENCES b, aid int REFERENCES a);
DROP TABLE a;
DROP TABLE b;
DROP TABLE a, b;
SELECT relname FROM pg_class WHERE relname IN ('a', 'b', 'c') ORDER BY 1;
DROP TABLE a, b, c;
SELECT relname FROM pg_class WHERE relname IN ('a', 'b', 'c') ORDER BY 1;
CREATE TABLE a (id int PRIMARY KEY);
CREATE TABLE b (aid int REFERENCES a);
CREATE TABLE c (aid int REFERENCES a);
DROP TABLE a, b;
DROP TABLE a CASCADE;
SELECT conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1;
INSERT INTO c VALUES (5);
SELECT * FROM c;
