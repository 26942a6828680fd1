CREATE TABLE t (id int, g text, v int, d date);
INSERT INTO t VALUES (1, 'a', 10, '2024-01-01'), (2, 'b', 20, '2024-01-02');

SELECT * FROM t WHERE id IN (generate_series(1, 2));
SELECT sum(generate_series(1, 3));
SELECT * FROM t JOIN t t2 ON generate_series(1, 2) = 1;
SELECT CASE WHEN id > 0 THEN unnest(ARRAY[1]) END FROM t;
SELECT row_number() OVER (PARTITION BY generate_series(1, 2)) FROM t;
SELECT * FROM t LIMIT generate_series(1, 2);
UPDATE t SET v = generate_series(1, 2);
SELECT generate_series(1, 2) FILTER (WHERE true);
