-- ALTER TABLE ... RENAME CONSTRAINT for CHECK, FOREIGN KEY and key constraints
CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE c (pid int REFERENCES p, n int CHECK (n > 0));
ALTER TABLE c RENAME CONSTRAINT c_n_check TO n_positive;
ALTER TABLE c RENAME CONSTRAINT c_pid_fkey TO to_parent;
ALTER TABLE c RENAME CONSTRAINT nope TO x;
ALTER TABLE c RENAME CONSTRAINT n_positive TO to_parent;
ALTER TABLE p RENAME CONSTRAINT p_pkey TO p_key;
SELECT conname, contype FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY conname;
SELECT relname FROM pg_class WHERE relname LIKE 'p\_%' ORDER BY relname;
INSERT INTO c VALUES (NULL, 0);
INSERT INTO c VALUES (1, 1);
INSERT INTO p VALUES (1);
INSERT INTO c VALUES (1, 1);
DELETE FROM p;
ALTER TABLE c DROP CONSTRAINT to_parent;
DELETE FROM p;
