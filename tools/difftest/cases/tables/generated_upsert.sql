CREATE TABLE gu (id int PRIMARY KEY, qty int, total int GENERATED ALWAYS AS (qty * 10) STORED);
INSERT INTO gu (id, qty) VALUES (1, 1), (2, 2);
INSERT INTO gu (id, qty) VALUES (1, 5) ON CONFLICT (id) DO UPDATE SET qty = excluded.qty;
INSERT INTO gu (id, qty) VALUES (2, 7) ON CONFLICT (id) DO NOTHING;
INSERT INTO gu (id, qty) VALUES (3, 3) ON CONFLICT (id) DO UPDATE SET qty = gu.qty + 1 RETURNING *;
SELECT * FROM gu ORDER BY id;
INSERT INTO gu (id, qty) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET total = 5;
