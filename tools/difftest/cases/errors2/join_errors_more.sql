CREATE TABLE t (id int, g text, v int, d date);
INSERT INTO t VALUES (1, 'a', 10, '2024-01-01'), (2, 'b', 20, '2024-01-02');

SELECT * FROM t JOIN t USING (id);
SELECT * FROM t a JOIN t b USING (nosuch);
SELECT * FROM t a JOIN t b USING (id, id);
SELECT * FROM t a JOIN t b ON a.id = b.id JOIN t c USING (id);
SELECT * FROM t a JOIN t b ON nosuch = 1;
SELECT * FROM t a JOIN t b ON a.g;
SELECT * FROM t a JOIN t b ON a.id = c.id;
SELECT id FROM t a JOIN t b ON a.id = b.id;
SELECT * FROM t a NATURAL JOIN t b ON true;
SELECT * FROM t a JOIN (SELECT 1 AS id) b USING (id) WHERE b.id = a.id AND id = 'x';
