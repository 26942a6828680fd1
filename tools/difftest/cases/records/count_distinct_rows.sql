CREATE TABLE o (cust int, status text);
INSERT INTO o VALUES (1, 'new'), (1, 'new'), (1, 'done'), (2, 'new'), (2, NULL), (2, NULL), (NULL, NULL);
SELECT count(DISTINCT (cust, status)) FROM o;
SELECT cust, count(DISTINCT (cust, status)) FROM o GROUP BY cust ORDER BY cust;
SELECT count(DISTINCT ROW(status)) FROM o;
SELECT count((cust, status)) FROM o;
