CREATE TABLE t (a int, b text);
COPY t FROM STDIN WITH (FORMAT csv);
1,"ok"
2,"multi
line"
3,"never closed
\.
SELECT count(*) FROM t;
COPY t FROM STDIN WITH (FORMAT csv);
1,"open
\.
SELECT count(*) FROM t;
