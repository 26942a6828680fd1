CREATE TABLE t (id int, g text, v int, d date);
INSERT INTO t VALUES (1, 'a', 10, '2024-01-01'), (2, 'b', 20, '2024-01-02');

SELECT g, v FROM t GROUP BY g;
SELECT g, v + 1 FROM t GROUP BY g, v + 2;
SELECT id FROM t GROUP BY g HAVING count(*) > 0;
SELECT g FROM t GROUP BY g HAVING v > 1;
SELECT g FROM t GROUP BY g ORDER BY d;
SELECT count(*), v FROM t;
SELECT sum(v) FROM t ORDER BY id;
SELECT g, (SELECT v) FROM t GROUP BY g;
