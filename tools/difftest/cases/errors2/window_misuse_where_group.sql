CREATE TABLE t (id int, g text, v int, d date);
INSERT INTO t VALUES (1, 'a', 10, '2024-01-01'), (2, 'b', 20, '2024-01-02');

SELECT id FROM t WHERE row_number() OVER () > 1;
SELECT id FROM t GROUP BY row_number() OVER ();
SELECT g FROM t GROUP BY g HAVING rank() OVER () > 0;
SELECT sum(row_number() OVER ()) FROM t;
SELECT row_number() OVER (ORDER BY row_number() OVER ()) FROM t;
UPDATE t SET v = row_number() OVER ();
SELECT * FROM t JOIN t t2 ON rank() OVER () = 1;
