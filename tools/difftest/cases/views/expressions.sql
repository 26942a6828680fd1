-- expressions in views print back and read back the same
CREATE TABLE t (a int, b text, c numeric, d date, e boolean, f int[]);
INSERT INTO t VALUES (1, 'Hello', 2.5, '2024-02-29', true, '{1,2,3}'), (2, NULL, -1, NULL, false, NULL);
CREATE VIEW v AS SELECT a, upper(b) AS ub, length(b) AS lb, c + 1 AS c1, -c AS negc, d + 1 AS tomorrow,
  NOT e AS note, e IS TRUE AS et, b IS NULL AS bn, coalesce(b, '?') AS cb, nullif(a, 1) AS na,
  greatest(a, 2) AS g, f[1] AS f1, array_length(f, 1) AS fl, a::text || '/' || coalesce(b, '') AS s,
  a BETWEEN 0 AND 1 AS btw, b IN ('Hello', 'x') AS inlist, (a, c) < (2, 0) AS rc, a IS DISTINCT FROM 2 AS dist
  FROM t;
SELECT * FROM v ORDER BY a;
SELECT pg_get_viewdef('v'::regclass);
SELECT pg_get_viewdef('v'::regclass, true);
