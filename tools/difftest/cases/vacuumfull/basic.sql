-- VACUUM FULL copies the live rows into a new relfilenode; the OID stays
CREATE TABLE t (id int PRIMARY KEY, v text);
INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 200) g;
DELETE FROM t WHERE id % 4 <> 0;
UPDATE t SET v = v || '!' WHERE id % 8 = 0;
CREATE TABLE nodes (rel text, oid oid, node oid);
INSERT INTO nodes VALUES ('t', 't'::regclass, pg_relation_filenode('t')), ('t_pkey', 't_pkey'::regclass, pg_relation_filenode('t_pkey'));
VACUUM FULL t;
SELECT n.rel, pg_relation_filenode(n.oid::regclass) <> n.node AS new_file, n.oid = c.oid AS same_oid
  FROM nodes n JOIN pg_class c ON c.relname = n.rel ORDER BY n.rel;
SELECT count(*), min(id), max(id) FROM t;
SELECT * FROM t WHERE id IN (4, 8, 196, 200) ORDER BY id;
SELECT relpages, reltuples FROM pg_class WHERE relname = 't';
VACUUM FULL;
SELECT count(*) FROM t WHERE v LIKE '%!';
