SELECT 1 garbage garbage;
CREATE TABLE t (a int) extra;
SELECT * FROM;
