CREATE TABLE s (id int, dept text, name text, score int);
INSERT INTO s VALUES (1, 'a', 'ann', 90), (2, 'a', 'ben', 80), (3, 'a', 'cy', 90), (4, 'b', 'di', 70), (5, 'b', 'ed', 70), (6, 'b', 'fi', 60), (7, 'c', 'gus', NULL);

\pset null (null)
SELECT name, row_number() OVER (ORDER BY id) FROM s ORDER BY id;
SELECT name, score, rank() OVER (ORDER BY score DESC), dense_rank() OVER (ORDER BY score DESC) FROM s ORDER BY score DESC NULLS LAST, name;
SELECT dept, name, row_number() OVER (PARTITION BY dept ORDER BY score DESC, name) AS rn FROM s ORDER BY dept, rn;
SELECT dept, name, score, rank() OVER w, dense_rank() OVER w FROM s WINDOW w AS (PARTITION BY dept ORDER BY score) ORDER BY dept, score, name;
SELECT name, score, percent_rank() OVER (ORDER BY score), cume_dist() OVER (ORDER BY score) FROM s ORDER BY score, name;
SELECT name, ntile(3) OVER (ORDER BY id) FROM s ORDER BY id;
SELECT name, ntile(2) OVER (PARTITION BY dept ORDER BY id) FROM s ORDER BY id;
SELECT name, ntile(10) OVER (ORDER BY id) FROM s WHERE id <= 3 ORDER BY id;
SELECT name, rank() OVER () FROM s ORDER BY id;
SELECT * FROM (SELECT dept, name, row_number() OVER (PARTITION BY dept ORDER BY score DESC NULLS LAST, id) AS rn FROM s) t WHERE rn = 1 ORDER BY dept;
SELECT dept, max(score), rank() OVER (ORDER BY max(score) DESC NULLS LAST) FROM s GROUP BY dept ORDER BY dept;
SELECT row_number() OVER (ORDER BY score DESC NULLS LAST, id) AS rn, name FROM s ORDER BY rn DESC LIMIT 3;
