CREATE TABLE t (a text, b text);
COPY t FROM STDIN (DELIMITER ',');
x\,y,z
back\\,w
\.
SELECT * FROM t ORDER BY a;
COPY t TO STDOUT (DELIMITER ',');
COPY t FROM STDIN;
a	b\
\.
COPY t FROM STDIN;
bad\0	x
\.
SELECT count(*) FROM t;
