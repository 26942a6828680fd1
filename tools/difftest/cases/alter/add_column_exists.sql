CREATE TABLE t (id int);
ALTER TABLE t ADD COLUMN id int;
ALTER TABLE t ADD COLUMN IF NOT EXISTS id int;
ALTER TABLE t ADD id2 int;
SELECT column_name FROM information_schema.columns WHERE table_name = 't' ORDER BY ordinal_position;
