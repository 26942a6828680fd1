-- more system-column errors
CREATE TABLE t (a int);
INSERT INTO t VALUES (1);
CREATE INDEX t_ctid ON t (ctid);
ALTER TABLE t ADD COLUMN IF NOT EXISTS xmin int;
ALTER TABLE t DROP COLUMN ctid;
ALTER TABLE t ALTER COLUMN xmin TYPE int;
SELECT t.* , t.ctid FROM t;
COPY t (ctid) FROM STDIN;
SELECT ctid + 1 FROM t;
SELECT xmin + 1 FROM t;
SELECT cmin < cmax FROM t;
SELECT xmin < xmax FROM t;
INSERT INTO t SELECT 2 RETURNING xmax, cmax;
