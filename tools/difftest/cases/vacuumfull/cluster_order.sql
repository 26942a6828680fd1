-- after CLUSTER a plain scan reads the rows in the index's order (PostgreSQL's physical order)
CREATE TABLE t (k int, v text);
INSERT INTO t SELECT (g * 37) % 101, 'v' || g FROM generate_series(1, 40) g;
CREATE INDEX t_k ON t (k);
CLUSTER t USING t_k;
SELECT k, v FROM t;
CREATE TABLE d (k text, n int);
INSERT INTO d VALUES ('pear', 1), ('apple', 2), ('fig', 3), ('banana', 4), (NULL, 5), ('cherry', 6);
CREATE INDEX d_k ON d (k);
CLUSTER d USING d_k;
SELECT * FROM d;
INSERT INTO d VALUES ('date', 7);
SELECT * FROM d;
CLUSTER d;
SELECT * FROM d;
