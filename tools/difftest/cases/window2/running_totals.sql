CREATE TABLE tx (id int, acct text, amt numeric(8,2));
INSERT INTO tx VALUES (1, 'a', 10.00), (2, 'b', 5.00), (3, 'a', -3.50), (4, 'a', 7.25), (5, 'b', 1.00), (6, 'a', 7.25);
SELECT id, acct, amt, sum(amt) OVER (PARTITION BY acct ORDER BY id) AS bal FROM tx ORDER BY acct, id;
SELECT id, sum(amt) OVER (ORDER BY id) AS running, sum(amt) OVER () AS total FROM tx ORDER BY id;
SELECT id, amt, sum(amt) OVER (ORDER BY amt) AS by_amt FROM tx ORDER BY amt, id;
SELECT id, count(*) OVER (PARTITION BY acct ORDER BY id) AS nth FROM tx ORDER BY id;
SELECT id, round(avg(amt) OVER (ORDER BY id), 3) AS cum_avg FROM tx ORDER BY id;
