CREATE TABLE a (id int, v int);
CREATE TABLE b (id int, w text);
INSERT INTO a VALUES (1, 10), (2, 20), (3, NULL);
INSERT INTO b VALUES (1, 'x'), (3, NULL);
SELECT count(a), count(a.*), count(*) FROM a;
SELECT count(b) AS matched, count(*) AS total FROM a LEFT JOIN b ON a.id = b.id;
SELECT a.id, b FROM a LEFT JOIN b ON a.id = b.id ORDER BY a.id;
SELECT a.id, b IS NULL AS no_match FROM a LEFT JOIN b ON a.id = b.id ORDER BY a.id;
SELECT a.id, to_jsonb(b) FROM a LEFT JOIN b ON a.id = b.id ORDER BY a.id;
