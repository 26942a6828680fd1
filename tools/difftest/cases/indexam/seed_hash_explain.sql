-- CREATE INDEX ... USING hash (col) and col = 42: a bitmap scan for many rows, an index scan for one
CREATE TABLE h (id int, v int, t text);
INSERT INTO h SELECT g, g % 1000, 'x' || g FROM generate_series(1, 10000) g;
CREATE INDEX h_v_hash ON h USING hash (v);
ANALYZE h;
EXPLAIN (COSTS OFF) SELECT * FROM h WHERE v = 42;
SELECT count(*) FROM h WHERE v = 42;
EXPLAIN (COSTS OFF) SELECT * FROM h WHERE id = 42;
CREATE INDEX h_id_hash ON h USING hash (id);
EXPLAIN (COSTS OFF) SELECT * FROM h WHERE id = 42;
SELECT * FROM h WHERE id = 42;
EXPLAIN (COSTS OFF) SELECT * FROM h WHERE id < 42;
