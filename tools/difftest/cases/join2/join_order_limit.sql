CREATE TABLE cat (id int, name text);
CREATE TABLE prod (id int, cat_id int, name text, price int);
INSERT INTO cat VALUES (1, 'tools'), (2, 'toys');
INSERT INTO prod VALUES (1, 1, 'hammer', 20), (2, 1, 'saw', 25), (3, 2, 'ball', 5), (4, 2, 'kite', 15), (5, 1, 'drill', 80), (6, 2, 'yoyo', 5);
SELECT c.name, p.name, p.price FROM cat c JOIN prod p ON p.cat_id = c.id ORDER BY p.price DESC, p.name LIMIT 3;
SELECT c.name, p.name FROM cat c JOIN prod p ON p.cat_id = c.id ORDER BY c.name, p.price, p.name OFFSET 2 LIMIT 3;
SELECT p.name FROM prod p JOIN cat c ON c.id = p.cat_id AND c.name = 'toys' ORDER BY p.price, p.name FETCH FIRST 2 ROWS ONLY;
SELECT p.name, p.price FROM prod p JOIN cat c ON c.id = p.cat_id ORDER BY p.price FETCH FIRST 2 ROWS WITH TIES;
SELECT c.name, p.name FROM cat c JOIN prod p ON p.cat_id = c.id ORDER BY c.name DESC, p.name DESC LIMIT 0;
