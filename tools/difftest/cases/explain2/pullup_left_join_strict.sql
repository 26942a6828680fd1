CREATE TABLE t (id int PRIMARY KEY, g int, v text);
INSERT INTO t SELECT i, i % 5, 'v' || i FROM generate_series(1, 200) i;
CREATE TABLE u (id int, t_id int, w int);
INSERT INTO u SELECT i, i % 50, i FROM generate_series(1, 100) i;
CREATE TABLE s (k int, name text);
INSERT INTO s SELECT i, 'n' || i FROM generate_series(1, 10) i;
ANALYZE t;
ANALYZE u;
ANALYZE s;

EXPLAIN (COSTS OFF) SELECT s.k, x.w2 FROM s LEFT JOIN (SELECT t_id, w * 2 AS w2 FROM u WHERE w > 90) x ON x.t_id = s.k;
SELECT s.k, x.w2 FROM s LEFT JOIN (SELECT t_id, w * 2 AS w2 FROM u WHERE w > 90) x ON x.t_id = s.k ORDER BY 1, 2;
SELECT s.k, x.c FROM s LEFT JOIN (SELECT t_id, coalesce(w, 0) AS c FROM u WHERE w > 95) x ON x.t_id = s.k ORDER BY 1, 2;
SELECT s.k, x.one FROM s LEFT JOIN (SELECT t_id, 1 AS one FROM u WHERE w > 95) x ON x.t_id = s.k ORDER BY 1, 2;
