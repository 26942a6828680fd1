CREATE TABLE t (a int, b text, c numeric);
COPY t FROM STDIN;
1	one	1.5
2	two	\N
3	\N	-0.25
\.
SELECT * FROM t ORDER BY a;
COPY t TO STDOUT;
COPY t (c, a) TO STDOUT;
SELECT count(*) FROM t;
