CREATE TABLE t (a int, b text);
CREATE INDEX t_b ON t (b);
CREATE UNIQUE INDEX t_a ON t (a);
COPY t FROM STDIN (FORMAT csv);
3,c
1,a
2,b
\.
SELECT * FROM t WHERE b = 'b';
SELECT * FROM t WHERE a = 3;
COPY t FROM STDIN (FORMAT csv);
4,d
2,dup
\.
SELECT count(*) FROM t;
