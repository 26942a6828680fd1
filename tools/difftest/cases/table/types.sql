CREATE TABLE t (a smallint, b integer, c bigint, d real, e double precision, f numeric, g text, h varchar(5), i char(3), j boolean);
INSERT INTO t VALUES (1, 2, 3, 1.25, 2.5, 3.125, 'text', 'abc', 'x', false);
SELECT * FROM t;
INSERT INTO t (h) VALUES ('too long');
INSERT INTO t (a) VALUES (40000);
