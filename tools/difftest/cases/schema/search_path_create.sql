CREATE SCHEMA s;
SET search_path = s;
CREATE TABLE t (a int);
SELECT schemaname, tablename FROM pg_tables WHERE tablename = 't';
SET search_path = nosuch;
CREATE TABLE t2 (a int);
RESET search_path;
