CREATE TABLE t (a int);
CREATE INDEX ON t (nosuch);
CREATE INDEX ON nosuch (a);
