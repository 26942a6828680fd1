SELECT (ROW(1, 'a'::text)).f1 AS one, (ROW(1, 'a'::text)).f2 AS two;
SELECT ((1, 2, 3)).f3 AS third;
CREATE TABLE t (a int, b text);
INSERT INTO t VALUES (1, 'x'), (2, NULL);
SELECT (t).a, (t).b, (t.*).a AS star_a FROM t ORDER BY 1;
SELECT (s.r).f2 AS f FROM (SELECT ROW(a, b) AS r FROM t) s ORDER BY 1;
SELECT ((SELECT ROW(10, 'ten'))).f2 AS sub;
SELECT (ROW(ROW(1, 2), 'x')).f1 AS inner_row;
