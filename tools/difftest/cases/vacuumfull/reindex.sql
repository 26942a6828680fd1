-- REINDEX INDEX / TABLE / SCHEMA / DATABASE: new files for the indexes, the table's stays
CREATE TABLE t (id int PRIMARY KEY, v int);
CREATE INDEX t_v ON t (v);
INSERT INTO t SELECT g, g % 7 FROM generate_series(1, 300) g;
CREATE TABLE nodes (rel text, node oid);
INSERT INTO nodes SELECT relname, pg_relation_filenode(oid::regclass) FROM pg_class WHERE relname IN ('t', 't_pkey', 't_v');
REINDEX INDEX t_v;
SELECT n.rel, pg_relation_filenode(n.rel::regclass) <> n.node AS new_file FROM nodes n ORDER BY n.rel;
DELETE FROM nodes;
INSERT INTO nodes SELECT relname, pg_relation_filenode(oid::regclass) FROM pg_class WHERE relname IN ('t', 't_pkey', 't_v');
REINDEX TABLE t;
SELECT n.rel, pg_relation_filenode(n.rel::regclass) <> n.node AS new_file FROM nodes n ORDER BY n.rel;
SET enable_seqscan = off;
SELECT count(*) FROM t WHERE v = 3;
SELECT id, v FROM t WHERE id BETWEEN 148 AND 152 ORDER BY id;
RESET enable_seqscan;
REINDEX SCHEMA public;
SELECT relpages > 0 AS has_pages, reltuples FROM pg_class WHERE relname = 't_pkey';
