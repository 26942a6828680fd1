CREATE TABLE t (a int, b text);
COPY t FROM STDIN;
1	tab\there
2	new\nline
3	back\\slash
4	cr\rx
5	\b\f\v
6	oct\101\102
7	hex\x41\x4a
8	\N
9	\\N
10	\q\z
\.
SELECT a, b, length(b) FROM t ORDER BY a;
COPY t TO STDOUT;
