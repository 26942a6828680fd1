CREATE TABLE t (a int, b text);
COPY t (a, zz) FROM STDIN;
1	2
\.
COPY t (a, a) FROM STDIN;
1	2
\.
COPY t (zz) TO STDOUT;
COPY t (b, b) TO STDOUT;
COPY nosuch FROM STDIN;
1
\.
COPY nosuch TO STDOUT;
SELECT count(*) FROM t;
