CREATE TABLE t (a int, b text);
COPY t FROM STDIN;
1	x
2	y
\.
SELECT a, b, length(b) FROM t ORDER BY a;
COPY t FROM STDIN;
3	x
4	y
\.
COPY t FROM STDIN;
5	x
6	yz
\.
COPY t FROM STDIN (FORMAT csv);
7,x
8,"ab"
9,cd
\.
SELECT count(*) FROM t;
