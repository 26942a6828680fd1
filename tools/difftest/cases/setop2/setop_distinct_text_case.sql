CREATE TABLE a (w text);
CREATE TABLE b (w text);
INSERT INTO a VALUES ('Apple'), ('apple'), ('Pear'), ('pear ');
INSERT INTO b VALUES ('APPLE'), ('pear'), ('Pear');
SELECT w FROM a UNION SELECT w FROM b ORDER BY w;
SELECT lower(w) FROM a UNION SELECT lower(w) FROM b ORDER BY 1;
SELECT lower(w) FROM a INTERSECT SELECT lower(w) FROM b ORDER BY 1;
SELECT trim(lower(w)) FROM a EXCEPT SELECT lower(w) FROM b ORDER BY 1;
SELECT length(w) FROM a UNION SELECT length(w) FROM b ORDER BY 1;
