CREATE TABLE t (a int, a text);
CREATE TABLE t2 (a int, A int);
