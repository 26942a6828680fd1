CREATE TABLE t (id int);
INSERT INTO t SELECT generate_series(1, 10);
SELECT id, ntile(3) OVER (ORDER BY id) FROM t ORDER BY id;
SELECT ntile(4) OVER (ORDER BY id) AS q, count(*) FROM t GROUP BY id ORDER BY id LIMIT 0;
SELECT q, count(*), min(id), max(id) FROM (SELECT id, ntile(4) OVER (ORDER BY id) AS q FROM t) s GROUP BY q ORDER BY q;
SELECT id, ntile(20) OVER (ORDER BY id) FROM t WHERE id <= 4 ORDER BY id;
SELECT id, ntile(0) OVER (ORDER BY id) FROM t;
SELECT id, ntile(NULL) OVER (ORDER BY id) FROM t WHERE id < 3 ORDER BY id;
