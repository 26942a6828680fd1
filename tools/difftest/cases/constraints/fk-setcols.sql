-- PostgreSQL 15: ON DELETE SET NULL / SET DEFAULT with a column list; composite keys
CREATE TABLE tenants (tenant int, id int, PRIMARY KEY (tenant, id));
CREATE TABLE users (tenant int NOT NULL, id int, author int,
  FOREIGN KEY (tenant, author) REFERENCES tenants ON DELETE SET NULL (author));
INSERT INTO tenants VALUES (1, 1), (1, 2), (2, 1);
INSERT INTO users VALUES (1, 100, 1), (1, 101, 2), (2, 102, 1);
INSERT INTO users VALUES (2, 103, 2);
DELETE FROM tenants WHERE tenant = 1 AND id = 1;
SELECT * FROM users ORDER BY id;
CREATE TABLE bad (a int, b int, FOREIGN KEY (a, b) REFERENCES tenants ON DELETE SET NULL (c));
CREATE TABLE bad (a int, b int, c int, FOREIGN KEY (a, b) REFERENCES tenants ON DELETE SET NULL (c));
CREATE TABLE d (tenant int DEFAULT 2, author int DEFAULT 1,
  FOREIGN KEY (tenant, author) REFERENCES tenants ON DELETE SET DEFAULT (author));
INSERT INTO d VALUES (1, 2);
DELETE FROM tenants WHERE tenant = 1 AND id = 2;
INSERT INTO tenants VALUES (1, 1);
DELETE FROM tenants WHERE tenant = 1 AND id = 2;
SELECT * FROM d;
SELECT conname, confdelsetcols FROM pg_constraint WHERE contype = 'f' ORDER BY conname;
