CREATE TABLE t (id int, grp text, v int);
INSERT INTO t VALUES (1, 'a', 10), (2, 'a', 20), (3, 'a', 20), (4, 'b', 5), (5, 'b', NULL), (6, 'b', 15);

\pset null (null)
SELECT id, grp, v, sum(v) OVER (PARTITION BY grp) AS grp_total FROM t ORDER BY id;
SELECT id, v, sum(v) OVER (ORDER BY id) AS running FROM t ORDER BY id;
SELECT id, v, sum(v) OVER (ORDER BY v) AS by_value FROM t ORDER BY v NULLS LAST, id;
SELECT id, count(*) OVER (), count(v) OVER (), avg(v) OVER () FROM t ORDER BY id;
SELECT id, grp, count(*) OVER (PARTITION BY grp ORDER BY id) AS n, max(v) OVER (PARTITION BY grp ORDER BY id) AS m FROM t ORDER BY id;
SELECT id, v, round(v * 100.0 / sum(v) OVER (), 2) AS pct FROM t ORDER BY id;
SELECT id, string_agg(v::text, ',') OVER (ORDER BY id) FROM t ORDER BY id;
SELECT id, array_agg(id) OVER (PARTITION BY grp ORDER BY id DESC) FROM t ORDER BY id;
SELECT grp, sum(v), sum(sum(v)) OVER () AS grand FROM t GROUP BY grp ORDER BY grp;
SELECT id, count(*) FILTER (WHERE v > 10) OVER (ORDER BY id) FROM t ORDER BY id;
SELECT id, bool_and(v > 5) OVER (PARTITION BY grp) FROM t ORDER BY id;
SELECT id, min(v) OVER w, max(v) OVER w FROM t WINDOW w AS (PARTITION BY grp ORDER BY id) ORDER BY id;
SELECT id, sum(v) OVER (w ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t WINDOW w AS (ORDER BY id) ORDER BY id;
