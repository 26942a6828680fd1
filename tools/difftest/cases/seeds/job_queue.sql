CREATE TABLE jobs (id bigint PRIMARY KEY, status text NOT NULL, queue text NOT NULL, payload jsonb, created_at timestamp NOT NULL);
CREATE INDEX jobs_pending ON jobs (id) WHERE status = 'pending';
INSERT INTO jobs SELECT g, CASE WHEN g % 10 = 0 THEN 'pending' WHEN g % 10 = 1 THEN 'failed' ELSE 'done' END, CASE WHEN g % 3 = 0 THEN 'mail' ELSE 'report' END, jsonb_build_object('n', g), timestamp '2024-01-01' + g * interval '1 minute' FROM generate_series(1, 200) g;

SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'jobs' ORDER BY indexname;
SELECT id, queue, payload FROM jobs WHERE status = 'pending' ORDER BY id LIMIT 5;
SELECT count(*) FROM jobs WHERE status = 'pending';
SELECT id FROM jobs WHERE status = 'pending' AND queue = 'mail' ORDER BY id LIMIT 3;
UPDATE jobs SET status = 'running' WHERE id = (SELECT id FROM jobs WHERE status = 'pending' ORDER BY id LIMIT 1) RETURNING id, status;
SELECT id FROM jobs WHERE status = 'pending' ORDER BY id LIMIT 3;
WITH next AS (SELECT id FROM jobs WHERE status = 'pending' ORDER BY id LIMIT 2) UPDATE jobs j SET status = 'running' FROM next WHERE j.id = next.id RETURNING j.id;
SELECT status, count(*) FROM jobs GROUP BY status ORDER BY status;
SELECT id, status FROM jobs WHERE status = 'running' ORDER BY id;
DELETE FROM jobs WHERE status = 'done';
SELECT id FROM jobs WHERE status = 'pending' ORDER BY id DESC LIMIT 3;
SELECT queue, min(id), max(created_at) FROM jobs WHERE status = 'pending' GROUP BY queue ORDER BY queue;
