CREATE TABLE t (g int, v int, b bit(4));
INSERT INTO t VALUES (1, 12, B'1100'), (1, 10, B'1010'), (2, 7, B'0111'), (2, NULL, NULL);
\pset null (null)
SELECT g, bit_and(v), bit_or(v) FROM t GROUP BY g ORDER BY g;
SELECT bit_and(b), bit_or(b) FROM t;
SELECT bit_xor(v) FROM t;
SELECT bit_or(v) FROM t WHERE false;
SELECT g, bit_or(v::bigint) FROM t GROUP BY g ORDER BY g;
