CREATE TABLE a (id int, x int);
CREATE TABLE b (id int, y int);
SELECT id FROM a, b;
SELECT id FROM a JOIN b ON a.id = b.id;
SELECT a.id FROM a, b;
