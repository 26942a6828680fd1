-- the queries psql 15 sends for \l (psql -E), on a schema of tables,
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
-- \l
SELECT d.datname as "Name",
       pg_catalog.pg_get_userbyid(d.datdba) as "Owner",
       pg_catalog.pg_encoding_to_char(d.encoding) as "Encoding",
       d.datcollate as "Collate",
       d.datctype as "Ctype",
       d.daticulocale as "ICU Locale",
       CASE d.datlocprovider WHEN 'c' THEN 'libc' WHEN 'i' THEN 'icu' END AS "Locale Provider",
       pg_catalog.array_to_string(d.datacl, E'\n') AS "Access privileges"
FROM pg_catalog.pg_database d
WHERE d.datname IN ('postgres', 'template0', 'template1')
ORDER BY 1;
