CREATE TABLE t (a nosuchtype);
CREATE TABLE t (a int, b integerr);
