CREATE TABLE counters (name text PRIMARY KEY, hits int NOT NULL DEFAULT 0, last text);
INSERT INTO counters VALUES ('a', 1, 'first');
INSERT INTO counters VALUES ('a', 1, 'second') ON CONFLICT (name) DO UPDATE SET hits = counters.hits + excluded.hits, last = excluded.last;
INSERT INTO counters VALUES ('b', 5, 'new') ON CONFLICT (name) DO UPDATE SET hits = counters.hits + excluded.hits;
INSERT INTO counters (name) VALUES ('a') ON CONFLICT (name) DO UPDATE SET hits = excluded.hits + 100;
SELECT * FROM counters ORDER BY name;
INSERT INTO counters VALUES ('a', 2, 'x'), ('c', 3, 'y') ON CONFLICT (name) DO UPDATE SET hits = counters.hits * excluded.hits RETURNING name, hits, last;
SELECT * FROM counters ORDER BY name;
