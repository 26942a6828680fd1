CREATE TABLE t (a int, b text, c text);
COPY t FROM STDIN;
1	x	y	z
\.
COPY t FROM STDIN;
1	x
\.
COPY t FROM STDIN;
1
\.
COPY t FROM STDIN WITH (FORMAT csv);
1,x,y,z
\.
COPY t FROM STDIN WITH (FORMAT csv);
1,x
\.
COPY t FROM STDIN WITH (FORMAT csv);

\.
SELECT count(*) FROM t;
