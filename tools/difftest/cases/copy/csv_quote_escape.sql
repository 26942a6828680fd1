CREATE TABLE t (a int, b text);
COPY t FROM STDIN WITH (FORMAT csv, QUOTE '''', ESCAPE '\');
1,'it\'s'
2,'back\\slash'
3,'a,b'
4,"dq"
\.
SELECT * FROM t ORDER BY a;
COPY t TO STDOUT WITH (FORMAT csv, QUOTE '''', ESCAPE '\');
COPY t TO STDOUT WITH (FORMAT csv, QUOTE '"', ESCAPE '"');
COPY t TO STDOUT WITH (FORMAT csv, ESCAPE '!');
