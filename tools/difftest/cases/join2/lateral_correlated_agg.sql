CREATE TABLE acct (id int, owner text);
CREATE TABLE tx (acct_id int, at date, amt numeric(10,2));
INSERT INTO acct VALUES (1, 'ann'), (2, 'bob'), (3, 'cy');
INSERT INTO tx VALUES (1, '2024-01-01', 10.00), (1, '2024-01-05', -3.50), (1, '2024-02-01', 7.25), (2, '2024-01-10', 100.00), (2, '2024-01-11', -100.00);
\pset null (null)
SELECT a.owner, s.bal, s.last_at FROM acct a CROSS JOIN LATERAL (SELECT sum(amt) AS bal, max(at) AS last_at FROM tx WHERE tx.acct_id = a.id) s ORDER BY a.owner;
SELECT a.owner, l.at, l.amt FROM acct a LEFT JOIN LATERAL (SELECT at, amt FROM tx WHERE tx.acct_id = a.id ORDER BY at DESC LIMIT 1) l ON true ORDER BY a.owner;
SELECT a.owner, l.amt FROM acct a JOIN LATERAL (SELECT amt FROM tx WHERE tx.acct_id = a.id AND amt < 0) l ON true ORDER BY 1, 2;
SELECT a.owner, x.n FROM acct a, LATERAL (SELECT count(*) AS n FROM tx WHERE tx.acct_id = a.id AND tx.at >= '2024-01-05') x ORDER BY 1;
SELECT a.owner, y.amts FROM acct a, LATERAL (SELECT array_agg(amt ORDER BY at) AS amts FROM tx WHERE tx.acct_id = a.id) y ORDER BY 1;
