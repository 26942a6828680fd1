CREATE TABLE t (a int, b text);
COPY t FROM STDIN WITH (FORMAT csv, HEADER true);
a,b
1,x
2,y
\.
COPY t FROM STDIN WITH (FORMAT csv, HEADER match);
a,b
3,z
\.
COPY t FROM STDIN WITH (FORMAT csv, HEADER match);
a,c
4,w
\.
COPY t FROM STDIN WITH (FORMAT csv, HEADER match);
a,b,c
4,w
\.
COPY t FROM STDIN WITH (FORMAT text, HEADER);
anything	here
5	v
\.
SELECT * FROM t ORDER BY a;
COPY t TO STDOUT WITH (FORMAT text, HEADER);
COPY t TO STDOUT (HEADER match);
