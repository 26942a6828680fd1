CREATE TABLE ba (g int, b bit(4), v varbit);
INSERT INTO ba VALUES (1, B'1100', B'11'), (1, B'1010', B'10'), (2, B'0111', B'01'), (2, NULL, NULL), (3, NULL, NULL);
\pset null (null)
SELECT bit_and(b), bit_or(b), bit_xor(b) FROM ba;
SELECT g, bit_and(b), bit_or(b), bit_xor(b), bit_and(v) FROM ba GROUP BY g ORDER BY g;
SELECT bit_or(b) FROM ba WHERE false;
SELECT pg_typeof(bit_and(v)) FROM ba;
SELECT bit_or(b) FILTER (WHERE g = 1), bit_xor(DISTINCT b) FROM ba;
INSERT INTO ba VALUES (4, B'1111', B'111');
SELECT bit_and(v) FROM ba;
SELECT bit_xor(v) FROM ba WHERE g IN (1, 4);
DROP TABLE ba;
