-- the ORM upsert idiom: RETURNING (xmax = 0) AS inserted
CREATE TABLE kv (k text PRIMARY KEY, v int);
INSERT INTO kv VALUES ('a', 1) ON CONFLICT (k) DO UPDATE SET v = kv.v + excluded.v RETURNING k, v, (xmax = 0) AS inserted;
INSERT INTO kv VALUES ('a', 5) ON CONFLICT (k) DO UPDATE SET v = kv.v + excluded.v RETURNING k, v, (xmax = 0) AS inserted;
INSERT INTO kv VALUES ('a', 5), ('b', 7) ON CONFLICT (k) DO UPDATE SET v = kv.v + excluded.v RETURNING k, v, (xmax = 0) AS inserted, ctid;
INSERT INTO kv VALUES ('b', 1) ON CONFLICT (k) DO NOTHING RETURNING k, (xmax = 0) AS inserted;
INSERT INTO kv VALUES ('c', 1) ON CONFLICT (k) DO NOTHING RETURNING k, (xmax = 0) AS inserted;
SELECT k, v, ctid FROM kv ORDER BY k;
BEGIN;
INSERT INTO kv VALUES ('c', 2) ON CONFLICT (k) DO UPDATE SET v = 9 RETURNING k, v, (xmax = 0) AS inserted;
INSERT INTO kv VALUES ('d', 2) ON CONFLICT (k) DO UPDATE SET v = 9 RETURNING k, v, (xmax = 0) AS inserted;
COMMIT;
SELECT k, v FROM kv ORDER BY k;
