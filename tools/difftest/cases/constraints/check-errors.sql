-- what a CHECK may not contain; foreign keys between permanent and unlogged tables
CREATE TABLE t (a int CHECK (a > (SELECT 1)));
CREATE TABLE t (a int CHECK (a IN (SELECT 1)));
CREATE TABLE t (a int, CHECK (count(*) > 0));
CREATE TABLE t (a int, CHECK (sum(a) > 0));
CREATE TABLE t (a int, CHECK (row_number() OVER () > 0));
CREATE TABLE t (a int, CHECK (b > 0));
CREATE TABLE t (a int, CHECK (t.a > 0), CHECK (random() < 2));
SELECT conname FROM pg_constraint WHERE conrelid = 't'::regclass ORDER BY 1;
CREATE UNLOGGED TABLE up (id int PRIMARY KEY);
CREATE TABLE pt (x int REFERENCES up);
CREATE UNLOGGED TABLE ut (x int REFERENCES up);
CREATE TABLE pp (id int PRIMARY KEY);
CREATE UNLOGGED TABLE ut2 (x int REFERENCES pp);
INSERT INTO ut2 VALUES (1);
