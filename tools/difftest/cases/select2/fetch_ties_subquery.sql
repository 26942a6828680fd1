CREATE TABLE p (cat text, price int);
INSERT INTO p VALUES ('x', 5), ('x', 5), ('x', 9), ('y', 1), ('y', 2), ('y', 2), ('y', 2);
SELECT c.cat, t.price FROM (VALUES ('x'), ('y')) c(cat), LATERAL (SELECT price FROM p WHERE p.cat = c.cat ORDER BY price FETCH FIRST 1 ROW WITH TIES) t ORDER BY 1, 2;
SELECT * FROM (SELECT DISTINCT price FROM p ORDER BY price FETCH FIRST 2 ROWS WITH TIES) d ORDER BY 1;
SELECT cat, count(*) FROM p GROUP BY cat ORDER BY count(*) DESC FETCH FIRST 1 ROW WITH TIES;
WITH w AS (SELECT price FROM p ORDER BY price DESC FETCH FIRST 2 ROWS WITH TIES) SELECT sum(price), count(*) FROM w;
SELECT price, row_number() OVER (ORDER BY price) FROM p ORDER BY price FETCH FIRST 2 ROWS WITH TIES;
