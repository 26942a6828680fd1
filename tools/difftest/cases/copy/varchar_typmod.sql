CREATE TABLE t (a int, v varchar(3), c char(4));
COPY t FROM STDIN;
1	ab	x
\.
COPY t FROM STDIN;
2	abcd	x
\.
COPY t FROM STDIN WITH (FORMAT csv);
3,abc,toolong
\.
SELECT a, v, c, length(c) FROM t ORDER BY a;
COPY t TO STDOUT (FORMAT csv);
