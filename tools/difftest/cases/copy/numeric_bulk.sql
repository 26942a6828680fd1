CREATE TABLE t (a int, b bigint, c text, d numeric, e timestamptz);
COPY t FROM STDIN (FORMAT csv);
1,10000000000,alpha,1.25,2024-01-01 00:00:00+00
2,-5,"beta, gamma",-0.001,2024-06-30 23:59:59.5+00
3,0,,12345678901234567890.5,
4,7,delta,NaN,2024-03-10 12:00:00+05:30
\.
SELECT * FROM t ORDER BY a;
SELECT sum(b), count(c), count(e) FROM t;
COPY (SELECT a, d FROM t ORDER BY a) TO STDOUT (FORMAT csv, HEADER);
