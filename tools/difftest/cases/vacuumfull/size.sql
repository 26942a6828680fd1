-- VACUUM FULL returns a bloated table's space; lazy VACUUM keeps the pages
CREATE TABLE t (id int, pad text) WITH (autovacuum_enabled = false);
INSERT INTO t SELECT g, repeat('p', 200) FROM generate_series(1, 2000) g;
CREATE TABLE sizes (what text, bytes bigint);
INSERT INTO sizes VALUES ('before', pg_relation_size('t'));
DELETE FROM t WHERE id % 20 <> 1;
VACUUM t;
INSERT INTO sizes VALUES ('lazy', pg_relation_size('t'));
VACUUM FULL t;
INSERT INTO sizes VALUES ('full', pg_relation_size('t'));
SELECT what, bytes FROM sizes ORDER BY bytes DESC, what;
SELECT relpages, reltuples FROM pg_class WHERE relname = 't';
SELECT count(*) FROM t;
