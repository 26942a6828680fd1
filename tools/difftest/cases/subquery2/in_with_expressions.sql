CREATE TABLE t (id int, code text, d date);
INSERT INTO t VALUES (1, 'AB', '2024-01-15'), (2, 'cd', '2024-02-20'), (3, 'Ef', '2024-02-01');
SELECT id FROM t WHERE lower(code) IN (SELECT lower(x) FROM (VALUES ('ab'), ('EF')) v(x)) ORDER BY id;
SELECT id FROM t WHERE date_trunc('month', d)::date IN (SELECT DATE '2024-02-01') ORDER BY id;
SELECT id FROM t WHERE id + 1 IN (SELECT id FROM t) ORDER BY id;
SELECT id FROM t WHERE extract(month FROM d) NOT IN (SELECT 1) ORDER BY id;
SELECT id, id * 2 IN (SELECT id FROM t) AS dbl FROM t ORDER BY id;
SELECT id FROM t WHERE code IN ('AB', 'cd') AND id IN (SELECT 2) ORDER BY id;
