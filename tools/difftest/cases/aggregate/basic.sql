CREATE TABLE m (id int, grp text, n int, x numeric, f float8);
INSERT INTO m VALUES (1, 'a', 3, 1.5, 0.5), (2, 'a', NULL, 2.25, 1.5), (3, 'b', 7, NULL, 2.5), (4, 'b', 1, 4, NULL), (5, 'c', NULL, NULL, NULL);

\pset null (null)
SELECT count(*), count(n), count(x), count(DISTINCT grp) FROM m;
SELECT sum(n), avg(n), min(n), max(n) FROM m;
SELECT sum(x), avg(x), sum(f), avg(f) FROM m;
SELECT grp, count(*), count(n), sum(n), avg(x), max(f) FROM m GROUP BY grp ORDER BY grp;
SELECT count(*), sum(n), avg(n), max(grp) FROM m WHERE false;
SELECT grp, sum(n) FROM m WHERE id > 100 GROUP BY grp ORDER BY grp;
SELECT sum(n::int8) AS s8, pg_typeof(sum(n)) AS t_int, pg_typeof(sum(x)) AS t_num, pg_typeof(avg(n)) AS t_avg, pg_typeof(count(*)) AS t_count FROM m;
SELECT min(grp), max(grp), min(id + 0.5), max(f) FROM m;
SELECT count(*) + 1 AS c1, sum(n) * 2 AS s2, max(n) - min(n) AS spread FROM m;
SELECT sum(2147483647) FROM generate_series(1, 3);
SELECT avg(v) FROM (VALUES (1), (2)) t(v);
SELECT grp FROM m GROUP BY grp HAVING count(n) = 0 ORDER BY grp;
