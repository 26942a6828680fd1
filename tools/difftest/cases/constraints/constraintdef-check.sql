-- pg_get_constraintdef for CHECK constraints, plain and pretty
CREATE TABLE c (
  a int CHECK (a > 0),
  b int,
  CONSTRAINT ab CHECK (a < b OR b IS NULL)
);
ALTER TABLE c ADD CONSTRAINT nv CHECK (b <> 13) NOT VALID;
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'c'::regclass ORDER BY conname;
SELECT conname, pg_get_constraintdef(oid, true) FROM pg_constraint WHERE conrelid = 'c'::regclass ORDER BY conname;
