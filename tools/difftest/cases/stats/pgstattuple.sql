-- contrib's pgstattuple after CREATE EXTENSION
CREATE TABLE t (a int, b text);
CREATE EXTENSION pgstattuple;
CREATE EXTENSION IF NOT EXISTS pgstattuple;
CREATE EXTENSION pgstattuple;
SELECT * FROM pgstattuple('t');
INSERT INTO t SELECT i, repeat('x', 20) FROM generate_series(1, 100) i;
DELETE FROM t WHERE a <= 30;
SELECT * FROM pgstattuple('t');
VACUUM t;
SELECT table_len, tuple_count, tuple_len, dead_tuple_count, dead_tuple_len, free_space FROM pgstattuple('t');
SELECT extname, extversion, extrelocatable FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1;
DROP EXTENSION pgstattuple;
DROP EXTENSION IF EXISTS pgstattuple;
