-- EXPLAIN of a statement through a view shows the base table
CREATE TABLE t (a int PRIMARY KEY, b text, c int);
CREATE VIEW v AS SELECT a, b, c + 1 AS c1 FROM t WHERE a > 0;
CREATE VIEW va AS SELECT x.a, x.b FROM t x WHERE x.c IS NULL;
CREATE VIEW vv AS SELECT a, b FROM v WHERE b <> 'z';
EXPLAIN (COSTS OFF) UPDATE v SET b = 'z' WHERE b = 'x';
EXPLAIN (COSTS OFF) DELETE FROM v WHERE c1 = 3;
EXPLAIN (COSTS OFF) UPDATE va SET b = 'z' WHERE a = 1;
EXPLAIN (COSTS OFF) DELETE FROM vv WHERE b = 'q';
EXPLAIN (COSTS OFF) INSERT INTO v (a, b) VALUES (1, 'q');
EXPLAIN (COSTS OFF) UPDATE vv SET a = a + 1 RETURNING *;
