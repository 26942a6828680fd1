CREATE TABLE t (a int, b text, c date);
COPY t FROM STDIN (FORMAT csv);
1,plain,2024-01-02
2,"quoted, comma",2024-02-03
3,"say ""hi""",
4,,2024-03-04
5,"",2024-04-05
6,"multi
line",2024-05-06
\.
SELECT a, b, b IS NULL AS bnull, c FROM t ORDER BY a;
COPY t TO STDOUT (FORMAT csv);
COPY t TO STDOUT WITH CSV HEADER;
