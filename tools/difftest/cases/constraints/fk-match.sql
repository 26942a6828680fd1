-- MATCH SIMPLE and MATCH FULL with composite keys and NULLs
CREATE TABLE p (a int, b int, PRIMARY KEY (a, b));
INSERT INTO p VALUES (1, 1), (1, 2);
CREATE TABLE simple (a int, b int, FOREIGN KEY (a, b) REFERENCES p);
CREATE TABLE full_ (a int, b int, FOREIGN KEY (a, b) REFERENCES p MATCH FULL);
INSERT INTO simple VALUES (1, 1), (1, NULL), (NULL, 9), (NULL, NULL);
INSERT INTO simple VALUES (1, 3);
INSERT INTO full_ VALUES (1, 2), (NULL, NULL);
INSERT INTO full_ VALUES (1, NULL);
INSERT INTO full_ VALUES (NULL, 5);
INSERT INTO full_ VALUES (2, 2);
UPDATE full_ SET b = NULL WHERE a = 1;
DELETE FROM p WHERE a = 1 AND b = 2;
SELECT confmatchtype FROM pg_constraint WHERE conrelid = 'full_'::regclass;
SELECT * FROM simple ORDER BY a, b;
SELECT * FROM full_ ORDER BY a, b;
