-- VACUUM FULL and CLUSTER rewrite the TOAST table too; the values survive
CREATE TABLE t (id int PRIMARY KEY, doc text);
INSERT INTO t SELECT g, repeat(md5(g::text), 400) FROM generate_series(1, 12) g;
DELETE FROM t WHERE id % 3 = 0;
CREATE TABLE nodes (what text, node oid);
INSERT INTO nodes SELECT 'toast', pg_relation_filenode(reltoastrelid) FROM pg_class WHERE relname = 't';
VACUUM FULL t;
SELECT pg_relation_filenode(c.reltoastrelid) <> n.node AS new_toast_file FROM pg_class c, nodes n WHERE c.relname = 't';
SELECT id, length(doc), md5(doc) = md5(repeat(md5(id::text), 400)) AS intact FROM t ORDER BY id;
UPDATE t SET doc = doc || 'x' WHERE id = 1;
CLUSTER t USING t_pkey;
SELECT id, length(doc) FROM t WHERE id IN (1, 2) ORDER BY id;
SELECT count(*) FROM t WHERE md5(doc) = md5(repeat(md5(id::text), 400));
