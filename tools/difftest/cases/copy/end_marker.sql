CREATE TABLE t (a int, b text);
COPY t FROM STDIN;
1	x
\.
COPY t FROM STDIN (FORMAT csv);
2,"\."
3,\.x
\.
SELECT * FROM t ORDER BY a;
COPY t (b) TO STDOUT (FORMAT csv);
