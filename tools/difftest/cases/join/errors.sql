CREATE TABLE a (id int, x text);
CREATE TABLE b (id int, y text);
INSERT INTO a VALUES (1, 'a1');
INSERT INTO b VALUES (1, 'b1');

SELECT id FROM a JOIN b ON a.id = b.id;
SELECT id FROM a, b;
SELECT a.id FROM a JOIN b ON a.id = c.id;
SELECT * FROM a JOIN b ON a.x;
SELECT * FROM a JOIN b ON a.id = b.y;
SELECT * FROM a JOIN a ON true;
SELECT * FROM a FULL JOIN b ON a.id < b.id;
SELECT * FROM a x JOIN b x ON true;
SELECT * FROM a NATURAL JOIN b USING (id);
SELECT * FROM a JOIN b USING (id, id);
SELECT * FROM a LEFT JOIN b;
SELECT a.id FROM a JOIN b ON a.id = b.id WHERE a.id = 1;
