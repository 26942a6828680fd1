SELECT (ROW(1, 'a'::text, NULL::int)).*;
SELECT ((1, 2)).*;
CREATE TABLE t (a int, b text);
INSERT INTO t VALUES (1, 'x'), (2, 'y');
SELECT (t).* FROM t ORDER BY a;
SELECT (s.r).* FROM (SELECT ROW(a, b) AS r FROM t) s ORDER BY 1;
