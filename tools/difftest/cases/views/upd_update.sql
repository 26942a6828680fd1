-- UPDATE through a view changes only the rows the view shows
CREATE TABLE acct (id int PRIMARY KEY, owner text, balance int, active bool);
INSERT INTO acct VALUES (1, 'ann', 100, true), (2, 'bob', 50, false), (3, 'cy', 10, true);
CREATE VIEW active_acct AS SELECT id, owner, balance FROM acct WHERE active;
UPDATE active_acct SET balance = balance + 1;
SELECT * FROM acct ORDER BY id;
UPDATE active_acct SET owner = upper(owner) WHERE balance > 50 RETURNING *;
UPDATE active_acct SET balance = 0 WHERE id = 2;
SELECT * FROM acct ORDER BY id;
UPDATE active_acct SET (owner, balance) = ('zed', 7) WHERE id = 3 RETURNING id, owner, balance;
UPDATE active_acct SET balance = DEFAULT WHERE id = 1 RETURNING *;
SELECT * FROM acct ORDER BY id;
