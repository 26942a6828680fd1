CREATE TABLE s (region text, amt int);
INSERT INTO s VALUES ('n', 10), ('n', 20), ('s', 5);
SELECT region, sum(amt) FROM s GROUP BY region UNION ALL SELECT 'total', sum(amt) FROM s ORDER BY 1;
SELECT 'max' AS k, max(amt) FROM s UNION ALL SELECT 'min', min(amt) FROM s UNION ALL SELECT 'cnt', count(*) FROM s ORDER BY k;
SELECT region FROM s GROUP BY region HAVING count(*) > 1 EXCEPT SELECT 's' ORDER BY 1;
SELECT sum(v) FROM (SELECT amt AS v FROM s UNION SELECT amt FROM s) x;
SELECT sum(v) FROM (SELECT amt AS v FROM s UNION ALL SELECT amt FROM s) x;
