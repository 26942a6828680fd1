CREATE TABLE t (id int, name text, price numeric(10,2), ok boolean);
INSERT INTO t VALUES (1, 'one', 1.5, true);
SELECT * FROM t;
