CREATE TABLE t (id int, g text, v int, d date);
INSERT INTO t VALUES (1, 'a', 10, '2024-01-01'), (2, 'b', 20, '2024-01-02');

SELECT sum(g) FROM t;
SELECT avg(d) FROM t;
SELECT count(DISTINCT *) FROM t;
SELECT string_agg(v, ',') FROM t;
SELECT percentile_cont(0.5) FROM t;
SELECT sum(v ORDER BY v) WITHIN GROUP (ORDER BY v) FROM t;
SELECT count(*) WITHIN GROUP (ORDER BY v) FROM t;
SELECT percentile_cont(1.5) WITHIN GROUP (ORDER BY v) FROM t;
SELECT array_agg(DISTINCT v ORDER BY id) FROM t;
SELECT lower(v) FILTER (WHERE true) FROM t;
