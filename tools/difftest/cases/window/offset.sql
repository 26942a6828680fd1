CREATE TABLE p (day int, item text, price int);
INSERT INTO p VALUES (1, 'x', 10), (2, 'x', 12), (3, 'x', 9), (4, 'x', NULL), (1, 'y', 100), (2, 'y', 90), (3, 'y', 95);

\pset null (null)
SELECT item, day, price, lag(price) OVER (PARTITION BY item ORDER BY day) AS prev FROM p ORDER BY item, day;
SELECT item, day, price - lag(price) OVER (PARTITION BY item ORDER BY day) AS delta FROM p ORDER BY item, day;
SELECT item, day, lead(price, 1) OVER w AS next, lead(price, 2, -1) OVER w AS next2 FROM p WINDOW w AS (PARTITION BY item ORDER BY day) ORDER BY item, day;
SELECT item, day, lag(price, 2, 0) OVER (PARTITION BY item ORDER BY day) FROM p ORDER BY item, day;
SELECT item, day, first_value(price) OVER (PARTITION BY item ORDER BY day) FROM p ORDER BY item, day;
SELECT item, day, last_value(price) OVER (PARTITION BY item ORDER BY day) AS default_frame FROM p ORDER BY item, day;
SELECT item, day, last_value(price) OVER (PARTITION BY item ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS whole FROM p ORDER BY item, day;
SELECT item, day, nth_value(price, 2) OVER (PARTITION BY item ORDER BY day) FROM p ORDER BY item, day;
SELECT item, day, nth_value(price, 2) OVER (PARTITION BY item ORDER BY day RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM p ORDER BY item, day;
SELECT day, lag(item) OVER (ORDER BY day, item), lead(item) OVER (ORDER BY day, item) FROM p ORDER BY day, item;
SELECT item, day, first_value(day) OVER (PARTITION BY item ORDER BY price DESC NULLS LAST) AS best_day FROM p ORDER BY item, day;
SELECT lag(price, -1) OVER (ORDER BY day, item) FROM p ORDER BY day, item;
