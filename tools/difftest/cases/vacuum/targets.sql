-- what VACUUM accepts as targets: tables, lists, nothing; an index is skipped with a warning
CREATE TABLE a (id int) WITH (autovacuum_enabled = off);
CREATE TABLE b (id int) WITH (autovacuum_enabled = off);
CREATE INDEX a_id ON a (id);
INSERT INTO a SELECT generate_series(1, 500);
INSERT INTO b SELECT generate_series(1, 1500);
DELETE FROM a WHERE id > 250;
VACUUM a, b;
SELECT relname, relpages, reltuples, relallvisible FROM pg_class WHERE relname IN ('a', 'b') ORDER BY relname;
VACUUM a_id;
VACUUM (SKIP_LOCKED) a;
VACUUM public.b;
VACUUM;
SELECT relname, relpages, reltuples FROM pg_class WHERE relname IN ('a', 'b') ORDER BY relname;
