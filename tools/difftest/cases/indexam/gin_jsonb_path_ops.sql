-- jsonb_path_ops answers @> (and only @>)
CREATE TABLE events (id int, payload jsonb);
INSERT INTO events SELECT g, jsonb_build_object('type', (ARRAY['click','view','buy'])[g % 3 + 1], 'user', jsonb_build_object('id', g % 10)) FROM generate_series(1, 300) g;
CREATE INDEX events_paths ON events USING gin (payload jsonb_path_ops);
SET enable_seqscan = off;
SELECT count(*) FROM events WHERE payload @> '{"type": "buy"}';
SELECT count(*) FROM events WHERE payload @> '{"user": {"id": 3}}';
SELECT count(*) FROM events WHERE payload @> '{"type": "buy", "user": {"id": 2}}';
SELECT count(*) FROM events WHERE payload @> '{"type": "nosuch"}';
RESET enable_seqscan;
SET enable_bitmapscan = off;
SELECT count(*) FROM events WHERE payload @> '{"type": "buy"}';
SELECT count(*) FROM events WHERE payload @> '{"user": {"id": 3}}';
SELECT count(*) FROM events WHERE payload @> '{"type": "buy", "user": {"id": 2}}';
