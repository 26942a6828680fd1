-- the queries psql 15 sends for \d s2.myseq (psql -E), on a schema of tables,
-- indexes, a sequence and a second schema; OID literals are written as regclass casts,
-- printed OIDs as names, and \l lists only the databases every cluster has
CREATE SCHEMA s2;
CREATE TABLE t1 (
  id serial PRIMARY KEY,
  name text NOT NULL,
  price numeric(10,2) DEFAULT 0,
  created timestamptz DEFAULT now(),
  code varchar(12) UNIQUE,
  qty integer
);
CREATE TABLE s2.t2 (
  k bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  a integer NOT NULL,
  b text,
  c int DEFAULT 42
);
CREATE INDEX t1_name_qty ON t1 (name, qty);
CREATE INDEX t1_partial ON t1 (qty) WHERE qty > 10;
CREATE INDEX t1_lower ON t1 (lower(name));
CREATE SEQUENCE s2.myseq START 100;
CREATE TABLE t3 (x int, y text);
-- \d s2.myseq
SELECT c.oid::pg_catalog.regclass::pg_catalog.text,
  n.nspname,
  c.relname
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relname OPERATOR(pg_catalog.~) '^(myseq)$' COLLATE pg_catalog.default
  AND n.nspname OPERATOR(pg_catalog.~) '^(s2)$' COLLATE pg_catalog.default
ORDER BY 2, 3;
SELECT c.relchecks, c.relkind, c.relhasindex, c.relhasrules, c.relhastriggers, c.relrowsecurity, c.relforcerowsecurity, false AS relhasoids, c.relispartition, '', c.reltablespace, CASE WHEN c.reloftype = 0 THEN '' ELSE c.reloftype::pg_catalog.regtype::pg_catalog.text END, c.relpersistence, c.relreplident, am.amname
FROM pg_catalog.pg_class c
 LEFT JOIN pg_catalog.pg_class tc ON (c.reltoastrelid = tc.oid)
LEFT JOIN pg_catalog.pg_am am ON (c.relam = am.oid)
WHERE c.oid = 's2.myseq'::pg_catalog.regclass::pg_catalog.oid;
SELECT pg_catalog.format_type(seqtypid, NULL) AS "Type",
       seqstart AS "Start",
       seqmin AS "Minimum",
       seqmax AS "Maximum",
       seqincrement AS "Increment",
       CASE WHEN seqcycle THEN 'yes' ELSE 'no' END AS "Cycles?",
       seqcache AS "Cache"
FROM pg_catalog.pg_sequence
WHERE seqrelid = 's2.myseq'::pg_catalog.regclass::pg_catalog.oid;
SELECT pg_catalog.quote_ident(nspname) || '.' ||
   pg_catalog.quote_ident(relname) || '.' ||
   pg_catalog.quote_ident(attname),
   d.deptype
FROM pg_catalog.pg_class c
INNER JOIN pg_catalog.pg_depend d ON c.oid=d.refobjid
INNER JOIN pg_catalog.pg_namespace n ON n.oid=c.relnamespace
INNER JOIN pg_catalog.pg_attribute a ON (
 a.attrelid=c.oid AND
 a.attnum=d.refobjsubid)
WHERE d.classid='pg_catalog.pg_class'::pg_catalog.regclass
 AND d.refclassid='pg_catalog.pg_class'::pg_catalog.regclass
 AND d.objid='s2.myseq'::pg_catalog.regclass::pg_catalog.oid
 AND d.deptype IN ('a', 'i');
