CREATE TABLE t (a int, b text);
INSERT INTO t VALUES (1, 'x'), (1, NULL), (NULL, 'y'), (2, 'y'), (2, 'y');
SELECT count(*), count(a), count(b), count(DISTINCT a), count(DISTINCT b) FROM t;
SELECT count(DISTINCT (a, b)) FROM t;
SELECT count(t) FROM t;
SELECT count(1), count(NULL::int) FROM t;
SELECT count(*) FILTER (WHERE a IS NULL OR b IS NULL) FROM t;
SELECT count(*) FROM t WHERE false;
SELECT count(a) + count(b) AS s FROM t;
