CREATE TABLE emp (dept text, pay int);
INSERT INTO emp VALUES ('a', 10), ('a', 20), ('a', 60), ('b', 5), ('b', 15), ('c', 100);
\pset null (null)
SELECT dept, pay FROM emp e WHERE pay > (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY pay) FROM emp i WHERE i.dept = e.dept) ORDER BY dept, pay;
SELECT dept, (SELECT rank(e.pay) WITHIN GROUP (ORDER BY pay DESC) FROM emp) AS overall FROM emp e ORDER BY overall, dept;
SELECT * FROM (SELECT dept, percentile_disc(0.5) WITHIN GROUP (ORDER BY pay) AS med FROM emp GROUP BY dept) s WHERE med > 10 ORDER BY dept;
WITH m AS (SELECT percentile_cont(ARRAY[0.25, 0.75]) WITHIN GROUP (ORDER BY pay) AS q FROM emp) SELECT q FROM m;
SELECT dept FROM emp GROUP BY dept ORDER BY percentile_cont(0.5) WITHIN GROUP (ORDER BY pay) DESC;
