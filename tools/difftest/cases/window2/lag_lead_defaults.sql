CREATE TABLE p (d date, price numeric);
INSERT INTO p VALUES ('2024-01-01', 10), ('2024-01-02', 12), ('2024-01-03', 11), ('2024-01-04', NULL), ('2024-01-05', 15);
\pset null (null)
SELECT d, price, lag(price) OVER (ORDER BY d), lead(price) OVER (ORDER BY d) FROM p ORDER BY d;
SELECT d, lag(price, 2) OVER (ORDER BY d), lead(price, 2, -1) OVER (ORDER BY d) FROM p ORDER BY d;
SELECT d, price - lag(price) OVER (ORDER BY d) AS delta FROM p ORDER BY d;
SELECT d, lag(price, 0) OVER (ORDER BY d) FROM p ORDER BY d;
SELECT d, lag(d, 1, d) OVER (ORDER BY d) FROM p ORDER BY d;
SELECT d, lead(price, -1) OVER (ORDER BY d) FROM p ORDER BY d;
