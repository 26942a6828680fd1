CREATE TABLE t (a int);
COPY t TO 'relative.txt';
COPY t FROM '/nonexistent/dir/file.txt';
COPY t TO '/nonexistent/dir/file.txt';
SELECT count(*) FROM t;
