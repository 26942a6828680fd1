CREATE TABLE t (a int);
CREATE TABLE t (a int);
CREATE TABLE IF NOT EXISTS t (a int);
SELECT count(*) FROM pg_class WHERE relname = 't';
