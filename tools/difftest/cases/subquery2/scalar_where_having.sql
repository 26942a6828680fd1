CREATE TABLE s (g text, v int);
INSERT INTO s VALUES ('a', 1), ('a', 5), ('b', 2), ('b', 3), ('c', 10);
SELECT g, v FROM s WHERE v > (SELECT avg(v) FROM s) ORDER BY g, v;
SELECT g, sum(v) FROM s GROUP BY g HAVING sum(v) > (SELECT avg(v) FROM s) ORDER BY g;
SELECT g, v FROM s WHERE v = (SELECT max(v) FROM s s2 WHERE s2.g = s.g) ORDER BY g;
SELECT g FROM s GROUP BY g HAVING count(*) = (SELECT max(c) FROM (SELECT count(*) AS c FROM s GROUP BY g) x) ORDER BY g;
SELECT g, v FROM s WHERE v < (SELECT min(v) FROM s WHERE g = 'c') AND v > (SELECT min(v) FROM s) ORDER BY v;
SELECT count(*) FROM s WHERE (SELECT count(*) FROM s s2 WHERE s2.v < s.v) >= 2;
