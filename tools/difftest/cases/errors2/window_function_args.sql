CREATE TABLE t (id int, g text, v int, d date);
INSERT INTO t VALUES (1, 'a', 10, '2024-01-01'), (2, 'b', 20, '2024-01-02');

SELECT ntile() OVER () FROM t;
SELECT lag(v, 'x') OVER () FROM t;
SELECT nth_value(v) OVER () FROM t;
SELECT row_number(v) OVER () FROM t;
SELECT rank(v) OVER (ORDER BY v) FROM t;
SELECT lead(v, 1, 'x') OVER (ORDER BY id) FROM t;
SELECT count(DISTINCT v) OVER () FROM t;
SELECT sum(v ORDER BY v) OVER () FROM t;
