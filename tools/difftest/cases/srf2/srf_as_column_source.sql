SELECT g.* FROM generate_series(1, 2) g;
SELECT g FROM generate_series(1, 2) AS g ORDER BY g DESC;
SELECT s.n FROM generate_series(5, 6) AS s(n);
SELECT pg_typeof(g) FROM generate_series(1, 1) g;
SELECT t.u FROM unnest(ARRAY['q']) AS t(u);
SELECT x FROM generate_series(1, 2) AS x WHERE x.x > 1;
SELECT generate_series FROM generate_series(7, 8);
SELECT unnest FROM unnest(ARRAY[9]);
