CREATE TABLE t (id int, g text, v int, d date);
INSERT INTO t VALUES (1, 'a', 10, '2024-01-01'), (2, 'b', 20, '2024-01-02');

SELECT g FROM t WHERE count(*) > 1;
SELECT g FROM t GROUP BY g, sum(v);
SELECT sum(sum(v)) FROM t;
SELECT * FROM t JOIN t t2 ON count(*) > 0;
INSERT INTO t VALUES (max(1), 'x', 1, NULL);
UPDATE t SET v = sum(v);
SELECT sum(v) FROM t GROUP BY g HAVING avg(count(*)) > 1;
SELECT * FROM generate_series(1, count(*));
