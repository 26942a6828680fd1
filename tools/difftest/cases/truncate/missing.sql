TRUNCATE nosuch;
CREATE TABLE t (a int);
TRUNCATE t, nosuch;
