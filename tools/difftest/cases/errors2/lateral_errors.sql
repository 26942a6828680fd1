CREATE TABLE t (id int, g text, v int, d date);
INSERT INTO t VALUES (1, 'a', 10, '2024-01-01'), (2, 'b', 20, '2024-01-02');

SELECT * FROM t a, LATERAL (SELECT b.id FROM t b WHERE b.id = c.id) s, t c;
SELECT * FROM t a FULL JOIN LATERAL (SELECT a.id) s ON true;
SELECT * FROM t a RIGHT JOIN LATERAL (SELECT a.id) s ON true;
SELECT * FROM LATERAL (SELECT 1) s, t WHERE s.x = 1;
SELECT * FROM (SELECT a.id) s, t a;
SELECT * FROM t a, LATERAL generate_series(1, b.id) g, t b;
SELECT * FROM t a LEFT JOIN LATERAL (SELECT a.id AS x) s ON true ORDER BY s.y;
