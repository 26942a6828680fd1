CREATE TABLE t (id int, v int);
INSERT INTO t VALUES (1, 10), (2, 20), (3, 30);
SELECT row_number() OVER (PARTITION BY generate_series(1, 2) ORDER BY id) AS rn, id FROM t ORDER BY 2, 1;
SELECT id, sum(v) OVER (ORDER BY generate_series(1, 2), id) AS s FROM t ORDER BY 1, 2;
SELECT id, generate_series(1, 2) AS g, rank() OVER (ORDER BY id) FROM t ORDER BY 1, 2;
SELECT count(*) OVER () AS c, generate_series(1, 2) AS g FROM t ORDER BY 2;
