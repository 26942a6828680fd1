CREATE TABLE t (a int, b int, c text);
COPY t FROM STDIN;
1	2	x
2	x	y
\.
COPY t FROM STDIN WITH (FORMAT csv);
1,2,x
3,,y
4,4.5,z
\.
COPY t FROM STDIN;
1	99999999999	x
\.
SELECT count(*) FROM t;
