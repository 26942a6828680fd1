CREATE TABLE t (a int, b text);
INSERT INTO t VALUES (1, 'x'), (2, NULL), (3, 'z,z');
COPY (SELECT a, b FROM t WHERE a > 1 ORDER BY a) TO STDOUT;
COPY (SELECT a * 10 AS ten, upper(b) FROM t ORDER BY a DESC) TO STDOUT WITH (FORMAT csv, HEADER);
COPY (SELECT 1 AS one, 'two'::text AS two, NULL::int AS three) TO STDOUT;
COPY (VALUES (1, 'a'), (2, 'b')) TO STDOUT (FORMAT csv);
COPY (SELECT * FROM t WHERE false) TO STDOUT;
COPY (SELECT a FROM nosuch) TO STDOUT;
COPY (SELECT generate_series(1, 3) AS g) TO STDOUT (FORMAT csv, FORCE_QUOTE *);
