-- contrib's pg_visibility: the visibility map bits VACUUM sets and DML clears
CREATE EXTENSION pg_visibility;
CREATE TABLE t (a int, b text);
INSERT INTO t SELECT i, repeat('y', 100) FROM generate_series(1, 200) i;
SELECT * FROM pg_visibility_map('t') ORDER BY blkno;
VACUUM t;
SELECT * FROM pg_visibility_map('t') ORDER BY blkno;
SELECT * FROM pg_visibility_map_summary('t');
DELETE FROM t WHERE a = 1;
SELECT * FROM pg_visibility('t') ORDER BY blkno;
VACUUM FREEZE t;
SELECT * FROM pg_visibility_map_summary('t');
CREATE EXTENSION no_such_extension;
