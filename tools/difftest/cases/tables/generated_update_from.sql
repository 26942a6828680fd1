CREATE TABLE price (id int PRIMARY KEY, net int, gross int GENERATED ALWAYS AS (net + net / 5) STORED);
CREATE TABLE changes (id int, net int);
INSERT INTO price (id, net) VALUES (1, 100), (2, 200), (3, 300);
INSERT INTO changes VALUES (1, 150), (3, 50);
UPDATE price p SET net = c.net FROM changes c WHERE c.id = p.id RETURNING p.id, p.net, p.gross;
SELECT * FROM price ORDER BY id;
INSERT INTO price (id, net) SELECT id + 10, net FROM changes;
SELECT * FROM price ORDER BY id;
WITH moved AS (UPDATE price SET net = net * 2 WHERE id > 10 RETURNING gross) SELECT sum(gross) FROM moved;
