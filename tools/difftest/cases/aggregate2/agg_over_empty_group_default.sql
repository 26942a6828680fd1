CREATE TABLE t (a int, b text);
\pset null (null)
SELECT count(*), sum(a), avg(a), min(b), max(b), array_agg(a), string_agg(b, ','), bool_and(a > 0) FROM t;
SELECT count(*) FROM t GROUP BY a;
SELECT 1 AS one FROM t HAVING count(*) = 0;
SELECT count(*) FROM t HAVING count(*) > 0;
INSERT INTO t VALUES (NULL, NULL);
SELECT count(*), count(a), sum(a), array_agg(a), string_agg(b, ',') FROM t;
