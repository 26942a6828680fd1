CREATE TABLE t (id int PRIMARY KEY, a int, b int, tag text);
CREATE INDEX t_a ON t (a);
CREATE INDEX t_b ON t (b);
INSERT INTO t SELECT g, g % 50, g % 37, 'row' || g FROM generate_series(1, 500) g;

SELECT id, a, b FROM t WHERE a = 7 OR b = 3 ORDER BY id;
SELECT id, a, b FROM t WHERE a = 7 UNION ALL SELECT id, a, b FROM t WHERE b = 3 AND a <> 7 ORDER BY id;
SELECT id, a, b FROM t WHERE a = 7 UNION SELECT id, a, b FROM t WHERE b = 3 ORDER BY id;
SELECT count(*) FROM t WHERE a = 7 OR b = 3;
SELECT count(*) FROM (SELECT id FROM t WHERE a = 7 UNION ALL SELECT id FROM t WHERE b = 3 AND a IS DISTINCT FROM 7) u;
SELECT (SELECT array_agg(id ORDER BY id) FROM t WHERE a = 7 OR b = 3) = (SELECT array_agg(id ORDER BY id) FROM (SELECT id FROM t WHERE a = 7 UNION ALL SELECT id FROM t WHERE b = 3 AND a <> 7) u) AS same_rows;
SELECT id, tag FROM t WHERE a = 1 OR tag = 'row5' ORDER BY id LIMIT 4;
SELECT id, tag FROM (SELECT id, tag FROM t WHERE a = 1 UNION ALL SELECT id, tag FROM t WHERE tag = 'row5' AND a <> 1) u ORDER BY id LIMIT 4;
SELECT id FROM t WHERE a = 7 OR b = 3 EXCEPT SELECT id FROM (SELECT id FROM t WHERE a = 7 UNION ALL SELECT id FROM t WHERE b = 3) u ORDER BY id;
UPDATE t SET a = NULL WHERE id IN (3, 40);
SELECT id, a, b FROM t WHERE a = 7 OR b = 3 ORDER BY id LIMIT 6;
SELECT id, a, b FROM (SELECT * FROM t WHERE a = 7 UNION ALL SELECT * FROM t WHERE b = 3 AND (a <> 7 OR a IS NULL)) u ORDER BY id LIMIT 6;
