SELECT (1)[1];
CREATE TABLE t (a int, b text);
SELECT a[1] FROM t;
SELECT b[1:2] FROM t;
SELECT (ARRAY[1, 2])['a'];
SELECT (ARRAY[1, 2])[1.5];
SELECT (ARRAY[1, 2])[true];
SELECT (ARRAY[1])[1][1][1][1][1][1][1];
