SELECT * FROM generate_series(1.0, 2.0, 0.25) g;
SELECT * FROM generate_series(10, 1, -3) g;
SELECT * FROM generate_series(1, 0) g;
SELECT count(*) FROM generate_series(1, 10, 100);
SELECT g, pg_typeof(g) FROM generate_series(1::bigint, 2::bigint) g;
SELECT * FROM generate_series(1, 5, 0);
SELECT * FROM generate_series(0.1, 0.35, 0.1) AS s(x);
