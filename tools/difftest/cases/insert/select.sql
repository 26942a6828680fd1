CREATE TABLE src (a int);
CREATE TABLE dst (a int, doubled int);
INSERT INTO src VALUES (1), (2), (3);
INSERT INTO dst SELECT a, a * 2 FROM src WHERE a > 1;
SELECT * FROM dst ORDER BY a;
