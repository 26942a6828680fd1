CREATE TABLE d (id serial, u uuid DEFAULT gen_random_uuid(), t timestamptz DEFAULT now(), c timestamptz DEFAULT clock_timestamp(), n int DEFAULT nextval('d_id_seq'));
INSERT INTO d DEFAULT VALUES;
INSERT INTO d (id) VALUES (100);
SELECT id, u IS NOT NULL AS has_uuid, length(u::text), t = now() AS same_txn, c >= t AS later, n FROM d ORDER BY id;
SELECT count(DISTINCT u) FROM d;
SELECT column_name, column_default FROM information_schema.columns WHERE table_name = 'd' ORDER BY ordinal_position;
