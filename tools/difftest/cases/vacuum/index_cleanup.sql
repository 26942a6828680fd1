-- INDEX_CLEANUP off leaves dead line pointers: their pages are not all-visible
CREATE TABLE t (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = off);
INSERT INTO t SELECT g, 'v' FROM generate_series(1, 4000) g;
DELETE FROM t WHERE id <= 2000;
VACUUM (INDEX_CLEANUP off) t;
SELECT relpages, reltuples, relallvisible FROM pg_class WHERE relname = 't';
SELECT count(*) FROM t WHERE id < 3000;
VACUUM (INDEX_CLEANUP on) t;
SELECT relpages, reltuples, relallvisible FROM pg_class WHERE relname = 't';
SELECT count(*) FROM t WHERE id < 3000;
VACUUM (INDEX_CLEANUP auto, DISABLE_PAGE_SKIPPING) t;
SELECT relpages, reltuples, relallvisible FROM pg_class WHERE relname = 't';
