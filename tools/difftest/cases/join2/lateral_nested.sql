CREATE TABLE grid (id int, n int);
INSERT INTO grid VALUES (1, 2), (2, 3);
SELECT g.id, a, b FROM grid g, LATERAL generate_series(1, g.n) a, LATERAL generate_series(a, g.n) b ORDER BY 1, 2, 3;
SELECT g.id, s.x, s.y FROM grid g, LATERAL (SELECT a AS x, t.y FROM generate_series(1, g.n) a, LATERAL (SELECT a * g.id AS y) t) s ORDER BY 1, 2;
SELECT g.id, (SELECT sum(v) FROM LATERAL generate_series(1, g.n) v) FROM grid g ORDER BY 1;
SELECT g.id, m.mx FROM grid g JOIN LATERAL (SELECT max(v) AS mx FROM generate_series(1, g.n * 2) v WHERE v % 2 = 1) m ON m.mx > 1 ORDER BY 1;
SELECT count(*) FROM grid g1, LATERAL (SELECT * FROM grid g2 WHERE g2.id >= g1.id) s;
