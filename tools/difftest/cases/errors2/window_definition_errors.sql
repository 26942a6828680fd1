CREATE TABLE t (id int, g text, v int, d date);
INSERT INTO t VALUES (1, 'a', 10, '2024-01-01'), (2, 'b', 20, '2024-01-02');

SELECT sum(v) OVER w FROM t;
SELECT sum(v) OVER w FROM t WINDOW w AS (ORDER BY id), w AS (ORDER BY v);
SELECT sum(v) OVER (w PARTITION BY g) FROM t WINDOW w AS (ORDER BY id);
SELECT sum(v) OVER (w ORDER BY v) FROM t WINDOW w AS (ORDER BY id);
SELECT sum(v) OVER w2 FROM t WINDOW w1 AS (ORDER BY id ROWS CURRENT ROW), w2 AS (w1);
SELECT sum(v) OVER (w) FROM t WINDOW w AS (ORDER BY id ROWS CURRENT ROW);
SELECT row_number() FROM t;
SELECT lower(g) OVER () FROM t;
