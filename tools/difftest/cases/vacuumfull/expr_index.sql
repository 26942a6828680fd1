-- REINDEX and VACUUM FULL rebuild expression and partial indexes
CREATE TABLE t (id int, name text, active boolean);
INSERT INTO t SELECT g, 'Name' || g, g % 3 = 0 FROM generate_series(1, 120) g;
CREATE INDEX t_lower ON t (lower(name));
CREATE INDEX t_active ON t (id) WHERE active;
CREATE UNIQUE INDEX t_id ON t (id);
DELETE FROM t WHERE id > 100;
REINDEX TABLE t;
SET enable_seqscan = off;
SELECT id FROM t WHERE lower(name) = 'name42';
SELECT count(*) FROM t WHERE active AND id < 50;
VACUUM FULL t;
SELECT id FROM t WHERE lower(name) = 'name99';
SELECT count(*) FROM t WHERE active AND id < 50;
RESET enable_seqscan;
INSERT INTO t VALUES (5, 'dup', false);
