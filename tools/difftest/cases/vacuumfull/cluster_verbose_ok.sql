-- CLUSTER keeps rows, updates and deletes across rewrites; a second CLUSTER keeps the order
CREATE TABLE t (id int PRIMARY KEY, grp int, note text);
INSERT INTO t SELECT g, (g * 7) % 5, 'n' || g FROM generate_series(1, 30) g;
CREATE INDEX t_grp ON t (grp, id);
CLUSTER t USING t_grp;
SELECT grp, id FROM t LIMIT 8;
UPDATE t SET note = 'changed' WHERE grp = 0;
DELETE FROM t WHERE grp = 4;
CLUSTER t;
SELECT grp, id, note FROM t LIMIT 8;
SELECT grp, count(*) FROM t GROUP BY grp ORDER BY grp;
CLUSTER t USING t_pkey;
SELECT id FROM t LIMIT 5;
SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 't'::regclass AND i.indisclustered;
