CREATE TABLE p (id int PRIMARY KEY, name text);
CREATE TABLE c (id int PRIMARY KEY, p_id int, name text);
CREATE TABLE g (id int PRIMARY KEY, c_id int, name text);
INSERT INTO p VALUES (1, 'p1'), (2, 'p2'), (3, 'p3');
INSERT INTO c VALUES (10, 1, 'c10'), (11, 1, 'c11'), (12, 2, 'c12');
INSERT INTO g VALUES (100, 10, 'g100'), (101, 12, 'g101'), (102, 12, 'g102');
\pset null -
SELECT p.name, c.name, g.name FROM p LEFT JOIN c ON c.p_id = p.id LEFT JOIN g ON g.c_id = c.id ORDER BY 1, 2, 3;
SELECT p.name, c.name, g.name FROM p LEFT JOIN (c JOIN g ON g.c_id = c.id) ON c.p_id = p.id ORDER BY 1, 2, 3;
SELECT p.name, c.name, g.name FROM p LEFT JOIN c ON c.p_id = p.id JOIN g ON g.c_id = c.id ORDER BY 1, 2, 3;
SELECT p.name, count(g.id) FROM p LEFT JOIN c ON c.p_id = p.id LEFT JOIN g ON g.c_id = c.id GROUP BY p.name ORDER BY 1;
SELECT p.name FROM p LEFT JOIN c ON c.p_id = p.id WHERE c.id IS NULL ORDER BY 1;
SELECT p.name, c.name FROM p LEFT JOIN c ON c.p_id = p.id AND c.name <> 'c10' ORDER BY 1, 2;
