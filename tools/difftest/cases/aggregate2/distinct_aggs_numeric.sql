CREATE TABLE t (v numeric);
INSERT INTO t VALUES (1.0), (1.00), (2), (2.5), (NULL), (2.50);
SELECT count(DISTINCT v), sum(DISTINCT v), avg(DISTINCT v) FROM t;
SELECT array_agg(DISTINCT v ORDER BY v) FROM t;
SELECT string_agg(DISTINCT v::text, ',' ORDER BY v::text) FROM t;
SELECT count(DISTINCT v::int) FROM t;
SELECT sum(v), sum(DISTINCT v) FROM t;
