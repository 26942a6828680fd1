-- a view reads the relations it named when it was created, whatever the search path
CREATE SCHEMA s1;
CREATE SCHEMA s2;
CREATE TABLE s1.t (a int);
CREATE TABLE s2.t (a int);
INSERT INTO s1.t VALUES (1);
INSERT INTO s2.t VALUES (2);
SET search_path = s1, public;
CREATE VIEW public.v AS SELECT a FROM t;
SET search_path = s2, public;
SELECT * FROM v;
SELECT * FROM t;
RESET search_path;
DROP SCHEMA s1 CASCADE;
SELECT count(*) FROM pg_views WHERE viewname = 'v';
DROP SCHEMA s2 CASCADE;
