CREATE TABLE a (id bigint, d date, t text);
CREATE TABLE b (id int, d date, n numeric(6,2));
INSERT INTO a VALUES (1, '2024-01-01', 'x'), (2, '2024-01-02', 'y'), (3, NULL, 'z'), (4, '2024-01-04', NULL);
INSERT INTO b VALUES (1, '2024-01-01', 1.50), (2, '2024-01-03', 2.25), (3, NULL, 3.00), (5, '2024-01-04', 9.99);
\pset null (null)
SELECT a.id, b.id, a.t, b.n FROM a JOIN b ON a.id = b.id ORDER BY a.id;
SELECT a.id, b.id FROM a JOIN b ON a.d = b.d ORDER BY a.id, b.id;
SELECT a.id, b.n FROM a JOIN b ON a.id = b.id AND b.n > 2 ORDER BY a.id;
SELECT a.id, b.id FROM a JOIN b ON a.d < b.d ORDER BY a.id, b.id;
SELECT a.t, b.n FROM a JOIN b ON a.id::numeric = b.n - 0.5 ORDER BY 1;
SELECT count(*) FROM a JOIN b ON a.d IS NOT DISTINCT FROM b.d;
SELECT a.id, b.id FROM a JOIN b ON a.d IS NOT DISTINCT FROM b.d ORDER BY 1, 2;
