CREATE TABLE t (a int, b text);
COPY t FROM STDIN;
\.
COPY t FROM STDIN (FORMAT csv, HEADER);
\.
SELECT count(*) FROM t;
COPY t TO STDOUT;
COPY t TO STDOUT (FORMAT csv, HEADER);
CREATE TABLE one (s text);
COPY one FROM STDIN;

x
\.
SELECT s, length(s) FROM one ORDER BY s;
