CREATE TABLE t (name text);
CREATE UNIQUE INDEX ON t (name);
INSERT INTO t VALUES ('b'), ('a'), ('C');
INSERT INTO t VALUES ('a');
SELECT name FROM t WHERE name >= 'a' ORDER BY name;
SELECT name FROM t ORDER BY name;
