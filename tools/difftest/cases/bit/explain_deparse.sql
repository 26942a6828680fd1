CREATE TABLE be (id int, b bit(4), v varbit(8));
INSERT INTO be VALUES (1, B'1010', B'1'), (2, B'0101', B'110');
EXPLAIN (COSTS OFF) SELECT * FROM be WHERE b = B'1010';
EXPLAIN (COSTS OFF) SELECT * FROM be WHERE v = '1' AND b <> X'F';
EXPLAIN (COSTS OFF) SELECT b & B'0110', v || B'1', b::int FROM be;
EXPLAIN (COSTS OFF) SELECT * FROM be WHERE get_bit(b, 0) = 1 ORDER BY v;
SELECT * FROM be WHERE v = B'1' AND b <> X'F';
SELECT pg_typeof(b), pg_typeof(v) FROM be LIMIT 1;
