CREATE TABLE t (a int, b text DEFAULT 'dflt', c int DEFAULT 42, d timestamp);
COPY t (a) FROM STDIN;
1
2
\.
COPY t (c, a) FROM STDIN;
7	3
\.
COPY t (a, d) FROM STDIN WITH (FORMAT csv);
4,2024-01-01 10:00:00
\.
SELECT * FROM t ORDER BY a;
COPY t (a, c) TO STDOUT;
COPY t (d, b) TO STDOUT (FORMAT csv, HEADER);
