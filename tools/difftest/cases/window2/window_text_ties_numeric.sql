CREATE TABLE t (id int, name text, amt numeric(10,3));
INSERT INTO t VALUES (1, 'b', 1.005), (2, 'a', 2.5), (3, 'B', 1.005), (4, 'a', 0.333), (5, 'c', NULL);
\pset null (null)
SELECT name, rank() OVER (ORDER BY name), dense_rank() OVER (ORDER BY name) FROM t ORDER BY name, id;
SELECT id, sum(amt) OVER (ORDER BY id), avg(amt) OVER (ORDER BY id) FROM t ORDER BY id;
SELECT id, amt, rank() OVER (ORDER BY amt DESC) FROM t ORDER BY 3, id;
SELECT name, count(*) OVER (PARTITION BY lower(name)) FROM t ORDER BY id;
SELECT id, max(name) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t ORDER BY id;
