CREATE TABLE t (id int, g text, v int);
INSERT INTO t VALUES (1, 'a', 1), (2, 'b', 2);

SELECT sum(g) FROM t;
SELECT avg(g) FROM t;
SELECT sum(sum(v)) FROM t;
SELECT id FROM t WHERE count(*) > 1;
SELECT count(*) FROM t GROUP BY count(*);
SELECT nosuch_agg(v) FROM t;
SELECT string_agg(v, ',') FROM t;
SELECT count(v, v) FROM t;
INSERT INTO t VALUES (count(*), 'x', 1);
SELECT array_agg(DISTINCT v ORDER BY id) FROM t;
SELECT max(v) FILTER (WHERE v > 0) OVER () FROM t ORDER BY 1;
SELECT sum(v) FROM t HAVING sum(v) > 100;
SELECT sum(v) FROM t HAVING sum(v) > 1;
