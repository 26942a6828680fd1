CREATE TABLE t (name text);
SELECT nmae FROM t;
SELECT "Name" FROM t;
