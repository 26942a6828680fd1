CREATE TABLE a (id int, name text);
CREATE TABLE b (a_id int, score int);
INSERT INTO a VALUES (1, 'x'), (2, 'y'), (3, 'z');
INSERT INTO b VALUES (1, 5), (2, 9), (2, 1), (3, 3);
SELECT name FROM a ORDER BY (SELECT sum(score) FROM b WHERE b.a_id = a.id) DESC;
SELECT name, (SELECT count(*) FROM b WHERE b.a_id = a.id) AS n FROM a ORDER BY n, name;
SELECT name FROM a ORDER BY (SELECT min(score) FROM b WHERE b.a_id = a.id), name;
SELECT name FROM a ORDER BY (SELECT max(score) FROM b WHERE b.a_id = a.id) NULLS FIRST LIMIT 2;
SELECT a.name, (SELECT max(score) FROM b WHERE b.a_id = a.id) - (SELECT min(score) FROM b WHERE b.a_id = a.id) AS spread FROM a ORDER BY 1;
