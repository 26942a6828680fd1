-- the queries psql 15 sends for \dn, \du (psql -E), on a schema of tables,
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
-- \dn
SELECT n.nspname AS "Name",
  pg_catalog.pg_get_userbyid(n.nspowner) AS "Owner"
FROM pg_catalog.pg_namespace n
WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
ORDER BY 1;
-- \du
SELECT r.rolname, r.rolsuper, r.rolinherit,
  r.rolcreaterole, r.rolcreatedb, r.rolcanlogin,
  r.rolconnlimit, r.rolvaliduntil,
  ARRAY(SELECT b.rolname
        FROM pg_catalog.pg_auth_members m
        JOIN pg_catalog.pg_roles b ON (m.roleid = b.oid)
        WHERE m.member = r.oid) as memberof
, r.rolreplication
, r.rolbypassrls
FROM pg_catalog.pg_roles r
WHERE r.rolname !~ '^pg_'
ORDER BY 1;
