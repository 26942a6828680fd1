-- pg_get_constraintdef for FOREIGN KEY constraints (psql's \d reads it)
CREATE TABLE p (id int PRIMARY KEY, code text UNIQUE);
CREATE TABLE c (
  a int CHECK (a > 0),
  b int,
  pid int REFERENCES p ON DELETE CASCADE,
  code text REFERENCES p (code) MATCH FULL ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT ab CHECK (a < b OR b IS NULL),
  CONSTRAINT r FOREIGN KEY (b) REFERENCES p ON DELETE RESTRICT ON UPDATE CASCADE DEFERRABLE
);
ALTER TABLE c ADD CONSTRAINT nv CHECK (b <> 13) NOT VALID;
ALTER TABLE c ADD CONSTRAINT fknv FOREIGN KEY (a) REFERENCES p NOT VALID;
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'c'::regclass AND contype = 'f' ORDER BY conname;
SELECT conname, pg_get_constraintdef(oid, true) FROM pg_constraint WHERE conrelid = 'c'::regclass AND contype = 'f' ORDER BY conname;
CREATE SCHEMA s;
CREATE TABLE s.q (id int PRIMARY KEY);
CREATE TABLE cq (qid int REFERENCES s.q);
SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'cq'::regclass;
